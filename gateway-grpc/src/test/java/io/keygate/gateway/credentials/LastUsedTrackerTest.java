package io.keygate.gateway.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tracker against a real (embedded H2) store: what officers read back is what calls did. */
class LastUsedTrackerTest {
  private static final Instant T0 = Instant.parse("2026-12-06T20:00:00Z");
  private static final int KEYS = 2 * LastUsedTracker.WRITE_CHUNK + 500;

  @TempDir Path dir;
  private ConfigDatabase database;
  private ConfigStore store;
  private final List<String> keys = new ArrayList<>();

  @BeforeEach
  void openStore() throws Exception {
    database = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dir));
    store = database.store(Clock.systemUTC());
    store.createTenant(new Tenant("acme", "Acme"));
    App app = new App("shop", "acme", "Shop");
    List<Credential> credentials = new ArrayList<>();
    for (int i = 0; i < KEYS; i++) {
      String key = "AK" + i;
      keys.add(key);
      credentials.add(new Credential(key, app.id(), "acme", KeyLabel.of("ak-" + i), null, false,
          null));
    }
    store.createAppsWithCredentials("acme", List.of(app), credentials, List.of());
  }

  @AfterEach
  void closeStore() throws Exception {
    database.close();
  }

  @Test
  void aFlushWritesEveryKeyUsedSinceTheLast_inChunks_andKeepsTheLatestUse() throws Exception {
    LastUsedTracker tracker = new LastUsedTracker();
    for (int i = 0; i < KEYS; i++) {
      tracker.used(keys.get(i), T0.plusSeconds(i % 7));
      tracker.used(keys.get(i), T0); // an earlier call's report, arriving after
    }

    tracker.flush(store);

    assertThat(tracker.pendingCount()).isZero();
    Map<String, Instant> stored = lastUses();
    for (int i = 0; i < KEYS; i++) {
      assertThat(stored.get(keys.get(i))).as(keys.get(i)).isEqualTo(T0.plusSeconds(i % 7));
    }
  }

  @Test
  void whenTheStoreFails_everyKeyWaitsForTheNextFlush() throws Exception {
    LastUsedTracker tracker = new LastUsedTracker();
    keys.forEach(k -> tracker.used(k, T0));
    ConfigDatabase other = ConfigDatabase.open(
        ConfigDatabaseSettings.embeddedH2(dir.resolve("gone")));
    ConfigStore failing = other.store(Clock.systemUTC());
    other.close(); // every write to it now fails

    tracker.flush(failing);

    assertThat(tracker.pendingCount()).isEqualTo(KEYS);
    assertThat(lastUses().values()).containsOnlyNulls();

    tracker.flush(store);

    assertThat(tracker.pendingCount()).isZero();
    assertThat(lastUses().values()).containsOnly(T0);
  }

  private Map<String, Instant> lastUses() throws Exception {
    Map<String, Instant> stored = new HashMap<>();
    for (Credential c : store.credentials("acme")) {
      stored.put(c.accessKey(), c.lastUsed());
    }
    assertThat(stored).hasSize(KEYS);
    return stored;
  }
}
