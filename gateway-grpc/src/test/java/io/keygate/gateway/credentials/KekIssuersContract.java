package io.keygate.gateway.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.config.TestDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.hsm.KekId;
import io.keygate.hsm.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which KEK the nodes issue under, over a real database (H2, MariaDB, PostgreSQL), as the KEK
 * destruction sees it: every node's report counts for a minute, is replaced in place, withdrawn
 * when the node stops, and forgotten after a day.
 */
abstract class KekIssuersContract {
  static final Instant T0 = Instant.parse("2026-12-04T12:00:00Z");
  static final KekId OLD = KekId.of("kek-2026");
  static final KekId NEW = KekId.of("kek-2027");

  abstract TestDatabase createDatabase(Path dir) throws Exception;

  private TestDatabase testDb;
  private ConfigDatabase db;
  private final MutableClock clock = new MutableClock(T0);

  @BeforeEach
  void open(@TempDir Path dir) throws Exception {
    testDb = createDatabase(dir);
    db = ConfigDatabase.open(testDb.settings());
  }

  @AfterEach
  void close() {
    db.close();
    testDb.close();
  }

  private KekIssuers node(String id, KekId kek) {
    return new KekIssuers(db.kekIssuers(), id, Optional.ofNullable(kek), clock);
  }

  @Test
  void anotherNodesReport_makesItsKekIssuing_andThisNodesOwnKekIsIssuingWithoutAReport()
      throws Exception {
    KekIssuers a = node("node-a", OLD);
    KekIssuers b = node("node-b", NEW);
    KekIssuers observer = node("node-c", null);

    assertThat(a.issuerOf(OLD)).as("its own KEK, reported or not").contains("this node (KEYGATE_KEK)");
    assertThat(b.issuerOf(OLD)).as("not reported yet").isEmpty();

    a.report();

    assertThat(b.issuerOf(OLD)).contains("node node-a");
    assertThat(observer.issuerOf(OLD)).contains("node node-a");
    assertThat(observer.issuerOf(NEW)).as("b has not reported").isEmpty();
    b.report();
    node("node-d", NEW).report();
    assertThat(observer.issuerOf(NEW)).contains("2 nodes (node-b, node-d)");
  }

  @Test
  void aNodeMovedToTheNewKek_replacesItsReport() throws Exception {
    node("node-a", OLD).report();
    clock.advance(Duration.ofSeconds(5));
    node("node-a", NEW).report(); // the same node id, as the next scheduled report after a move

    assertThat(db.kekIssuers().nodesIssuingUnder(OLD, Instant.EPOCH)).isEmpty();
    assertThat(db.kekIssuers().nodesIssuingUnder(NEW, Instant.EPOCH)).containsExactly("node-a");
  }

  @Test
  void aStoppedNodesReport_isWithdrawn_andAKilledNodesStopsCountingAfterTheWindow()
      throws Exception {
    KekIssuers stopped = node("node-stopped", OLD);
    KekIssuers observer = node("observer", null);
    stopped.report();
    stopped.withdraw();
    assertThat(observer.issuerOf(OLD)).isEmpty();

    node("node-killed", OLD).report(); // and never again
    clock.advance(KekIssuers.REPORT_WINDOW);
    assertThat(observer.issuerOf(OLD)).as("at the edge of the window").contains("node node-killed");
    clock.advance(Duration.ofMillis(1));
    assertThat(observer.issuerOf(OLD)).isEmpty();
  }

  @Test
  void aNodeWithoutAKek_reportsNothing() throws Exception {
    KekIssuers none = node("node-plain", null);
    none.report();
    none.withdraw();
    assertThat(db.kekIssuers().nodesIssuingUnder(OLD, Instant.EPOCH)).isEmpty();
    assertThat(none.issuerOf(OLD)).isEmpty();
  }

  @Test
  void reportsOlderThanADay_areForgotten_byTheNextReport() throws Exception {
    node("node-gone", OLD).report();
    clock.advance(Duration.ofDays(1).plusMillis(1));
    node("node-live", NEW).report();

    assertThat(db.kekIssuers().nodesIssuingUnder(OLD, Instant.EPOCH)).isEmpty();
    assertThat(db.kekIssuers().nodesIssuingUnder(NEW, Instant.EPOCH)).containsExactly("node-live");
  }
}
