package io.keygate.benchmarks.footprint;

import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.gateway.credentials.CredentialIssuer;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The configuration at a million credentials, on the cluster database (PostgreSQL): how long a
 * node takes to load it at start, the heap that holds it, and how soon a revoke made through one
 * node is in force on a second node that polls the store as a gateway does (every second), with
 * the cost of applying one change from the change feed.
 *
 * <p>Setup writes {@code --credentials} apps, each with one credential (a wrapped secret under a
 * KEK id, 40 random bytes: no HSM is involved, only the store and the snapshot are measured) and
 * a grant on the tenant's API, into a fresh schema {@code kg_scale}, with plain batched JDBC, and
 * then marks the store changed (a FULL entry in the change feed), as a bulk import would.
 *
 * <p>Run through {@code bash benchmarks/config-scale.sh}. Not a test and not timed as one: a
 * measurement, reported in docs/benchmarks.md ("Configuration at scale").
 */
public final class ConfigScale {
  private static final String TENANT = "scale";
  private static final String API = "scale-api";
  private static final int BATCH = 5_000;

  private ConfigScale() {}

  public static void main(String[] args) throws Exception {
    int credentials = 1_000_000;
    int revokes = 20;
    String url = "jdbc:postgresql://127.0.0.1:5432/keygate_test";
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      switch (args[i]) {
        case "--credentials" -> credentials = Integer.parseInt(args[i + 1]);
        case "--revokes" -> revokes = Integer.parseInt(args[i + 1]);
        case "--url" -> url = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String user = "keygate";
    char[] password = "keygate".toCharArray();
    try (Connection c = DriverManager.getConnection(url, user, new String(password));
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS kg_scale CASCADE");
      s.execute("CREATE SCHEMA kg_scale");
    }
    String schemaUrl = url + (url.contains("?") ? "&" : "?") + "currentSchema=kg_scale";
    ConfigDatabaseSettings settings = ConfigDatabaseSettings.of(schemaUrl, user, password);
    HeapInUse heap = new HeapInUse();
    ScheduledExecutorService polls = Executors.newSingleThreadScheduledExecutor();
    try (ConfigDatabase writer = ConfigDatabase.open(settings)) {
      ConfigStore store = writer.store(Clock.systemUTC());
      long started = System.nanoTime();
      provision(store, writer, credentials);
      double setupSeconds = seconds(started);
      System.out.printf(Locale.ROOT, "setup: %,d apps, credentials and grants written in %.1f s%n",
          credentials, setupSeconds);

      long heapBefore = heap.bytes();
      try (ConfigDatabase secondNode = ConfigDatabase.open(settings)) {
        SnapshotRefresher node = new SnapshotRefresher(
            secondNode.store(Clock.systemUTC()), polls, Clock.systemUTC());
        started = System.nanoTime();
        ConfigSnapshot loaded = node.refreshNow();
        double loadSeconds = seconds(started);
        long heapAfter = heap.bytes();
        System.out.printf(Locale.ROOT,
            "start-up load: %,d credentials in %.2f s; heap held by the snapshot %.0f MiB"
                + " (%.0f bytes per credential with its app and grant)%n",
            loaded.credentialCount(), loadSeconds, (heapAfter - heapBefore) / 1048576.0,
            (double) (heapAfter - heapBefore) / credentials);

        // The change feed without the poll: the cost of applying one revoke at this size.
        List<Long> applyMicros = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < revokes; i++) {
          store.revokeCredential(TENANT, accessKey(random.nextInt(credentials)));
          long t = System.nanoTime();
          node.refreshNow();
          applyMicros.add((System.nanoTime() - t) / 1_000);
        }
        System.out.printf(Locale.ROOT,
            "apply one revoke from the change feed: p50 %s, max %s (%d revokes); full loads %d,"
                + " incremental %d%n",
            micros(percentile(applyMicros, 50)), micros(percentile(applyMicros, 100)), revokes,
            node.fullLoads(), node.incrementalLoads());

        // As a gateway runs: the second node polls every second; a revoke is made on the first.
        node.start();
        List<Long> visibleMillis = new ArrayList<>();
        for (int i = 0; i < revokes; i++) {
          String key = accessKey(random.nextInt(credentials));
          if (node.current().credential(key).map(c -> c.revoked()).orElse(true)) {
            i--;
            continue;
          }
          long t = System.nanoTime();
          store.revokeCredential(TENANT, key);
          while (!node.current().credential(key).map(c -> c.revoked()).orElse(false)) {
            LockSupport.parkNanos(200_000); // a measurement's probe, not synchronisation
          }
          visibleMillis.add((System.nanoTime() - t) / 1_000_000);
        }
        node.close();
        System.out.printf(Locale.ROOT,
            "revoke visible on the second node (poll every %d ms): p50 %d ms, max %d ms"
                + " (%d revokes); full loads %d, incremental %d%n",
            node.pollInterval().toMillis(), percentile(visibleMillis, 50),
            percentile(visibleMillis, 100), revokes, node.fullLoads(), node.incrementalLoads());
      }
    } finally {
      polls.shutdownNow();
      polls.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static void provision(ConfigStore store, ConfigDatabase db, int n) throws Exception {
    store.createTenant(new Tenant(TENANT, "Configuration at scale"));
    store.allowDomain(new DomainAllowance(TENANT, "scale.example"));
    store.allowBackend(new BackendAllowance(TENANT, "127.0.0.1:1", false));
    store.registerApi(new ApiDefinition(API, TENANT, "scale.example", "scale.v1.Svc/Call",
        "127.0.0.1:1", AuthMode.SIGNATURE));
    Random random = new Random(42);
    byte[] blob = new byte[40];
    try (Connection c = db.dataSource().getConnection()) {
      c.setAutoCommit(false);
      try (PreparedStatement app = c.prepareStatement(
              "INSERT INTO apps (id, tenant_id, name, created_at) VALUES (?, ?, ?, 0)");
          PreparedStatement credential = c.prepareStatement(
              "INSERT INTO credentials (access_key, app_id, tenant_id, secret_label, not_after,"
                  + " revoked, last_used, created_at, kek_id, wrapped_secret)"
                  + " VALUES (?, ?, ?, ?, NULL, FALSE, NULL, 0, 'scale-kek', ?)");
          PreparedStatement grant = c.prepareStatement(
              "INSERT INTO grants (tenant_id, app_id, api_id, created_at) VALUES (?, ?, ?, 0)")) {
        for (int i = 0; i < n; i++) {
          String appId = "app-" + i;
          String key = accessKey(i);
          app.setString(1, appId);
          app.setString(2, TENANT);
          app.setString(3, "App " + i);
          app.addBatch();
          random.nextBytes(blob);
          credential.setString(1, key);
          credential.setString(2, appId);
          credential.setString(3, TENANT);
          credential.setString(4, CredentialIssuer.labelFor(key).value());
          credential.setString(5, Base64.getEncoder().encodeToString(blob));
          credential.addBatch();
          grant.setString(1, TENANT);
          grant.setString(2, appId);
          grant.setString(3, API);
          grant.addBatch();
          if ((i + 1) % BATCH == 0 || i == n - 1) {
            app.executeBatch();
            credential.executeBatch();
            grant.executeBatch();
          }
        }
      }
      try (Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE config_version SET version = version + 1 WHERE id = 1");
        s.executeUpdate("INSERT INTO config_changes (version, kind, subject)"
            + " SELECT version, 'FULL', '' FROM config_version WHERE id = 1");
      }
      c.commit();
    }
  }

  static String accessKey(int i) {
    return String.format(Locale.ROOT, "AKSCALE%013d", i);
  }

  private static long percentile(List<Long> values, int p) {
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String micros(long us) {
    return us >= 1000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : us + " µs";
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }
}
