package io.keygate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.config.TestDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which key each listener serves, over a real database (H2, MariaDB, PostgreSQL): the configured
 * key until one is activated, activations replacing each other, and served-key reports that are
 * updated in place and forgotten after a day.
 */
abstract class ActiveTlsKeysContract {
  static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
  static final KeyLabel CONFIGURED_INGRESS = KeyLabel.of("gateway-tls");
  static final KeyLabel CONFIGURED_ADMIN = KeyLabel.of("admin-tls");

  abstract TestDatabase createDatabase(Path dir) throws Exception;

  private TestDatabase testDb;
  private ConfigDatabase db;
  private ActiveTlsKeys keys;

  @BeforeEach
  void open(@TempDir Path dir) throws Exception {
    testDb = createDatabase(dir);
    db = ConfigDatabase.open(testDb.settings());
    keys = new ActiveTlsKeys(db.tlsKeys(),
        Map.of(TlsListener.INGRESS, CONFIGURED_INGRESS, TlsListener.ADMIN, CONFIGURED_ADMIN));
  }

  @AfterEach
  void close() {
    db.close();
    testDb.close();
  }

  @Test
  void assignments_areTheConfiguredKeys_untilOneIsActivated() throws Exception {
    assertThat(keys.assignments())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(TlsListener.INGRESS, CONFIGURED_INGRESS, TlsListener.ADMIN, CONFIGURED_ADMIN));

    keys.activate(TlsListener.INGRESS, KeyLabel.of("tls-2"), T0, "req-1");

    assertThat(keys.assignments())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(TlsListener.INGRESS, KeyLabel.of("tls-2"), TlsListener.ADMIN, CONFIGURED_ADMIN));
  }

  @Test
  void activate_replacesTheKeyActivatedBefore_onEveryNodesView() throws Exception {
    keys.activate(TlsListener.ADMIN, KeyLabel.of("admin-2"), T0, "req-1");
    keys.activate(TlsListener.ADMIN, KeyLabel.of("admin-3"), T0.plusSeconds(60), "req-2");

    // Another node, configured differently, sees the same activation.
    ActiveTlsKeys otherNode =
        new ActiveTlsKeys(db.tlsKeys(), Map.of(TlsListener.ADMIN, KeyLabel.of("elsewhere")));
    assertThat(otherNode.assignments()).containsEntry(TlsListener.ADMIN, KeyLabel.of("admin-3"));
    assertThat(keys.assignments()).containsEntry(TlsListener.ADMIN, KeyLabel.of("admin-3"));
  }

  @Test
  void servedAnywhere_holdsTheAssignmentsAndRecentReports_andForgetsNodesSilentForADay()
      throws Exception {
    keys.reportServed("node-a", TlsListener.INGRESS, KeyLabel.of("old-tls"), T0);
    keys.reportServed("node-a", TlsListener.INGRESS, KeyLabel.of("gateway-tls"), T0.plusSeconds(5));
    keys.reportServed("node-b", TlsListener.INGRESS, KeyLabel.of("lagging-tls"), T0);

    assertThat(keys.servedAnywhere(T0))
        .as("node-a's report was updated in place, node-b's is recent")
        .containsExactlyInAnyOrder(CONFIGURED_INGRESS, CONFIGURED_ADMIN, KeyLabel.of("lagging-tls"));
    assertThat(keys.servedAnywhere(T0.plusSeconds(1)))
        .containsExactlyInAnyOrder(CONFIGURED_INGRESS, CONFIGURED_ADMIN);

    // node-a reports a day and more later: node-b, silent since T0, is forgotten.
    Instant later = T0.plus(Duration.ofDays(1)).plusSeconds(1);
    keys.reportServed("node-a", TlsListener.INGRESS, KeyLabel.of("gateway-tls"), later);
    assertThat(served("node-b")).isZero();
    assertThat(served("node-a")).isOne();
  }

  private int served(String nodeId) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement s =
            c.prepareStatement("SELECT COUNT(*) FROM tls_served_keys WHERE node_id = ?")) {
      s.setString(1, nodeId);
      try (var rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }
}
