package io.keygate.gateway.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.config.ConfigDelta;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.config.TestDatabase;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.payload.PayloadKeyStore.Hop;
import io.keygate.gateway.store.StoreConflictException;
import io.keygate.gateway.store.StoreNotFoundException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each API's payload policy and key rings over a real database (H2, MariaDB, PostgreSQL;
 * migration V13): rotation keeps the old key accepted, the current key cannot be retired, rows go
 * with their API, and only blobs are stored.
 */
abstract class PayloadKeyStoreContract {
  static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
  static final KekId PKEK = KekId.of("pk-2026");

  abstract TestDatabase createDatabase(Path dir) throws Exception;

  private TestDatabase testDb;
  private ConfigDatabase db;
  private ConfigStore config;
  private PayloadKeyStore keys;

  @BeforeEach
  void open(@TempDir Path dir) throws Exception {
    testDb = createDatabase(dir);
    db = ConfigDatabase.open(testDb.settings());
    config = db.store(Clock.fixed(T0, ZoneOffset.UTC));
    keys = db.payloadKeys();
    config.createTenant(new Tenant("acme", "ACME"));
    config.allowDomain(new DomainAllowance("acme", "acme.example"));
    config.allowBackend(new BackendAllowance("acme", "backend:50051", false));
    config.registerApi(new ApiDefinition("echo", "acme", "acme.example", "demo.Echo/Say",
        "backend:50051", AuthMode.SIGNATURE));
  }

  @AfterEach
  void close() {
    db.close();
    testDb.close();
  }

  @Test
  void policy_isNoneUntilSet_andThenWhatWasSetLast() throws Exception {
    assertThat(keys.policy("echo")).isEqualTo(EncryptionPolicy.NONE);
    keys.setPolicy("echo", EncryptionPolicy.CLIENT, T0);
    keys.setPolicy("echo", EncryptionPolicy.BOTH, T0);
    assertThat(keys.policy("echo")).isEqualTo(EncryptionPolicy.BOTH);
    assertThatThrownBy(() -> keys.setPolicy("nope", EncryptionPolicy.BOTH, T0))
        .isInstanceOf(StoreNotFoundException.class);
  }

  @Test
  void rotation_makesTheNewKeyCurrent_keepsTheOldOneAccepted_andRetiresOnlyOldOnes()
      throws Exception {
    WrappedSecret k1 = blob(1);
    WrappedSecret k2 = blob(2);
    assertThat(keys.ring("echo", Hop.CLIENT)).isEmpty();
    keys.addCurrentKey("echo", Hop.CLIENT, "c-1", k1, T0);
    keys.addCurrentKey("echo", Hop.CLIENT, "c-2", k2, T0);
    keys.addCurrentKey("echo", Hop.BACKEND, "b-1", blob(3), T0);

    PayloadKeyRing ring = keys.ring("echo", Hop.CLIENT).orElseThrow();
    assertThat(ring.current()).isEqualTo("c-2");
    assertThat(ring.find("c-1")).contains(k1);
    assertThat(ring.find("c-2")).contains(k2);
    assertThat(ring.find("b-1")).as("the hops' rings are apart").isEmpty();
    assertThat(ring.toString()).doesNotContain(k1.encoded());

    assertThatThrownBy(() -> keys.addCurrentKey("echo", Hop.CLIENT, "c-1", blob(4), T0))
        .isInstanceOf(StoreConflictException.class);
    assertThatThrownBy(() -> keys.retireKey("echo", Hop.CLIENT, "c-2"))
        .isInstanceOf(StoreConflictException.class);
    keys.retireKey("echo", Hop.CLIENT, "c-1");
    assertThat(keys.ring("echo", Hop.CLIENT).orElseThrow().keys()).containsOnlyKeys("c-2");
    assertThatThrownBy(() -> keys.retireKey("echo", Hop.CLIENT, "c-1"))
        .isInstanceOf(StoreNotFoundException.class);
  }

  @Test
  void stagedKey_opensButIsNotCurrent_untilMadeCurrent_inOneTransaction_throughTheChangeFeed()
      throws Exception {
    assertThatThrownBy(() -> keys.addKey("echo", Hop.BACKEND, "b-0", blob(9), T0, false))
        .as("a ring always has a key to seal under")
        .isInstanceOf(StoreConflictException.class)
        .extracting(e -> ((StoreConflictException) e).kind())
        .isEqualTo(StoreConflictException.Kind.NO_CURRENT_KEY);
    assertThat(keys.ring("echo", Hop.BACKEND)).isEmpty();

    keys.addKey("echo", Hop.BACKEND, "b-1", blob(1), T0, true);
    ConfigSnapshot before = config.loadSnapshot();
    keys.addKey("echo", Hop.BACKEND, "b-2", blob(2), T0, false);
    PayloadKeyRing staged = keys.ring("echo", Hop.BACKEND).orElseThrow();
    assertThat(staged.current()).isEqualTo("b-1");
    assertThat(staged.find("b-2")).contains(blob(2));
    assertThatThrownBy(() -> keys.addKey("echo", Hop.BACKEND, "b-2", blob(3), T0, false))
        .isInstanceOf(StoreConflictException.class);
    assertThatThrownBy(() -> keys.makeCurrent("echo", Hop.BACKEND, "b-9"))
        .isInstanceOf(StoreNotFoundException.class);
    assertThatThrownBy(() -> keys.makeCurrent("echo", Hop.CLIENT, "b-2"))
        .isInstanceOf(StoreNotFoundException.class);

    keys.makeCurrent("echo", Hop.BACKEND, "b-2");
    keys.makeCurrent("echo", Hop.BACKEND, "b-2");
    PayloadKeyRing promoted = keys.ring("echo", Hop.BACKEND).orElseThrow();
    assertThat(promoted.current()).isEqualTo("b-2");
    assertThat(promoted.keys()).containsOnlyKeys("b-1", "b-2");
    assertThatThrownBy(() -> keys.retireKey("echo", Hop.BACKEND, "b-2"))
        .isInstanceOf(StoreConflictException.class);

    // A node following the change feed sees the staged key, then the promotion.
    ConfigSnapshot followed =
        before.apply(config.changesSince(before.version()).orElseThrow());
    assertThat(followed.payload("echo").backend().orElseThrow().current()).isEqualTo("b-2");
    assertThat(followed.payload("echo")).isEqualTo(config.loadSnapshot().payload("echo"));
    keys.retireKey("echo", Hop.BACKEND, "b-1");
    assertThat(keys.ring("echo", Hop.BACKEND).orElseThrow().keys()).containsOnlyKeys("b-2");
  }

  @Test
  void removingTheApi_removesItsPolicyAndKeys() throws Exception {
    keys.setPolicy("echo", EncryptionPolicy.CLIENT, T0);
    keys.addCurrentKey("echo", Hop.CLIENT, "c-1", blob(1), T0);
    config.removeApi("acme", "echo");
    assertThat(keys.ring("echo", Hop.CLIENT)).isEmpty();
    assertThat(keys.policy("echo")).isEqualTo(EncryptionPolicy.NONE);
    assertThatThrownBy(() -> keys.addCurrentKey("echo", Hop.CLIENT, "c-2", blob(2), T0))
        .isInstanceOf(StoreNotFoundException.class);
  }

  @Test
  void everyWrite_reachesTheNodes_throughTheChangeFeed_andAWholeSnapshotAgrees() throws Exception {
    ConfigSnapshot before = config.loadSnapshot();
    assertThat(before.payload("echo")).isEqualTo(ApiPayloadKeys.NONE);

    keys.setPolicy("echo", EncryptionPolicy.BOTH, T0);
    keys.addCurrentKey("echo", Hop.CLIENT, "c-1", blob(1), T0);
    keys.addCurrentKey("echo", Hop.CLIENT, "c-2", blob(2), T0);
    keys.addCurrentKey("echo", Hop.BACKEND, "b-1", blob(3), T0);
    keys.retireKey("echo", Hop.CLIENT, "c-1");
    long version = config.loadSnapshot().version();
    // A refused write is no version.
    assertThatThrownBy(() -> keys.retireKey("echo", Hop.CLIENT, "c-2"))
        .isInstanceOf(StoreConflictException.class);
    assertThat(config.loadSnapshot().version()).isEqualTo(version);

    ConfigDelta delta = config.changesSince(before.version()).orElseThrow();
    assertThat(delta.toVersion()).isEqualTo(before.version() + 5);
    ConfigSnapshot followed = before.apply(delta);
    ApiPayloadKeys seen = followed.payload("echo");
    assertThat(seen.policy()).isEqualTo(EncryptionPolicy.BOTH);
    assertThat(seen.client().orElseThrow().current()).isEqualTo("c-2");
    assertThat(seen.client().orElseThrow().keys()).containsOnlyKeys("c-2");
    assertThat(seen.backend().orElseThrow().find("b-1")).contains(blob(3));
    assertThat(config.loadSnapshot().payload("echo")).isEqualTo(seen);

    config.removeApi("acme", "echo");
    ConfigSnapshot after = followed.apply(config.changesSince(followed.version()).orElseThrow());
    assertThat(after.payload("echo")).isEqualTo(ApiPayloadKeys.NONE);
  }

  /** A stand-in blob: 40 bytes as RFC 5649 makes of a 32-byte key. */
  private static WrappedSecret blob(int seed) {
    byte[] b = new byte[40];
    java.util.Arrays.fill(b, (byte) seed);
    return new WrappedSecret(PKEK, b);
  }
}
