package io.keygate.gateway.node;

import io.keygate.gateway.dataplane.ConfigView;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.dataplane.KeygateGateway;
import io.keygate.gateway.dataplane.RecordingCallObserver;

import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.api.AdminServer;
import io.keygate.gateway.admin.api.AdminServerSettings;
import io.keygate.gateway.admin.api.AdminService;
import io.keygate.gateway.admin.api.AuditReading;
import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.api.KeyControl;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyFollower;
import io.keygate.gateway.tls.TlsListener;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import io.keygate.gateway.audit.AuditHeadSigner;
import io.keygate.gateway.audit.ChainedAuditLog;
import io.keygate.gateway.audit.SecurityEventAggregator;
import io.keygate.gateway.auth.InMemoryNonceStore;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.credentials.LastUsedTracker;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.pkcs11.Pkcs11TokenOptions;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One gateway node, configured by environment variables (see docs/operations.md):
 * KEYGATE_HSM_CONFIG, KEYGATE_HSM_PIN_FILE (or KEYGATE_HSM_PIN), KEYGATE_TLS_KEY, KEYGATE_LISTEN,
 * KEYGATE_DATA_DIR, KEYGATE_DB_URL/USER/PASSWORD_FILE, KEYGATE_CLIENT_CA_FILE,
 * KEYGATE_PLAINTEXT_DEV, KEYGATE_NONCE_CAPACITY, and for the admin API KEYGATE_ADMIN_LISTEN,
 * KEYGATE_ADMIN_CA_FILE, KEYGATE_ADMIN_TLS_KEY, KEYGATE_FIRST_OFFICER_SHA256,
 * KEYGATE_APPROVALS_REQUIRED, KEYGATE_APPROVAL_TTL. The one place that builds a node's object
 * graph: {@link GatewayMain} runs it as a process, tests start it in theirs.
 */
public final class GatewayNode implements AutoCloseable {
  private final Deque<AutoCloseable> stopInOrder;
  private final KeygateGateway gateway;
  private final AdminServer admin;

  private GatewayNode(KeygateGateway gateway, AdminServer admin, Deque<AutoCloseable> stopInOrder) {
    this.gateway = gateway;
    this.admin = admin;
    this.stopInOrder = stopInOrder;
  }

  /**
   * Starts a node configured by {@code env} (the variables above; GatewayMain passes the
   * process environment, tests pass a map).
   *
   * @throws IllegalArgumentException if a required variable is missing or malformed; as with
   *     any failure to start, whatever was already started (token session, database pool,
   *     ports) is closed again before this returns
   */
  public static GatewayNode start(Map<String, String> env) throws Exception {
    // Each part is pushed as it starts, so the stack pops in the order a node must stop: no new
    // calls first, then what they fed (last use, security events, audit heads), then the
    // snapshot poller and scheduler, then storage and the HSM.
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      return start(env, started);
    } catch (Exception | Error e) {
      closeAll(started);
      throw e;
    }
  }

  private static GatewayNode start(Map<String, String> env, Deque<AutoCloseable> started)
      throws Exception {
    Path hsmConfig = Path.of(required(env, "KEYGATE_HSM_CONFIG"));
    Pin pin =
        env.containsKey("KEYGATE_HSM_PIN_FILE")
            ? Pin.fromFile(Path.of(env.get("KEYGATE_HSM_PIN_FILE")))
            : Pin.fromEnvironment(env, "KEYGATE_HSM_PIN");
    KeyLabel tlsKey = KeyLabel.of(env.getOrDefault("KEYGATE_TLS_KEY", "gateway-tls"));
    String listen = env.getOrDefault("KEYGATE_LISTEN", "0.0.0.0:8443");
    InetSocketAddress address = address(listen);
    Path dataDir = Path.of(env.getOrDefault("KEYGATE_DATA_DIR", "data"));
    List<X509Certificate> clientCas = env.containsKey("KEYGATE_CLIENT_CA_FILE")
        ? readCertificates(Path.of(env.get("KEYGATE_CLIENT_CA_FILE")))
        : List.of();
    GatewaySettings defaults = GatewaySettings.defaults(address, tlsKey).withClientCas(clientCas);
    GatewaySettings settings =
        new GatewaySettings(
            defaults.listen(), defaults.tlsKey(), defaults.clientCas(),
            "true".equals(env.get("KEYGATE_PLAINTEXT_DEV")),
            defaults.timestampWindow(), defaults.maxConfigStaleness(), defaults.maxMessageBytes());

    Clock clock = Clock.systemUTC();
    SunPkcs11Token hsm = SunPkcs11Token.open(hsmConfig, pin, Pkcs11TokenOptions.defaults());
    started.push(hsm);
    ConfigDatabase db = ConfigDatabase.open(ConfigDatabaseSettings.fromEnvironment(env, dataDir));
    started.push(db);
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    started.push(scheduler::shutdownNow);
    SnapshotRefresher refresher = new SnapshotRefresher(db.store(clock), scheduler, clock);
    started.push(refresher);
    refresher.refreshNow();
    refresher.start();
    ConfigStore store = db.store(clock);
    SecureRandom random = SecureRandom.getInstance("DRBG");

    // Audit: hash-chained log in the config DB, chain heads signed by an HSM key every minute,
    // data-plane refusals aggregated per key, app, code and minute.
    ChainedAuditLog audit = new ChainedAuditLog(db.auditChain());
    AuditHeadSigner heads = new AuditHeadSigner(db.auditChain(), db.signedHeads(), hsm,
        AuditHeadSigner.DEFAULT_KEY_LABEL, clock, scheduler, AuditHeadSigner.DEFAULT_INTERVAL);
    started.push(heads);
    heads.ensureKey();
    heads.start();
    SecurityEventAggregator securityEvents = new SecurityEventAggregator(
        audit, clock, scheduler, SecurityEventAggregator.DEFAULT_FLUSH_INTERVAL, 10_000);
    started.push(securityEvents);
    securityEvents.start();
    LastUsedTracker lastUsed = new LastUsedTracker();
    started.push(() -> lastUsed.flush(store));
    scheduler.scheduleWithFixedDelay(() -> lastUsed.flush(store), 5, 5, TimeUnit.SECONDS);

    // TLS keys: each listener serves the key activated cluster-wide (dual control), or until one
    // is, the configured one; the follower switches new handshakes when an activation lands.
    KeyLabel adminTlsKey = KeyLabel.of(env.getOrDefault("KEYGATE_ADMIN_TLS_KEY", tlsKey.value()));
    ActiveTlsKeys activeTls = new ActiveTlsKeys(
        db.tlsKeys(), Map.of(TlsListener.INGRESS, tlsKey, TlsListener.ADMIN, adminTlsKey));
    TlsKeyFollower tlsFollower =
        new TlsKeyFollower(activeTls, hsm, UUID.randomUUID().toString(), clock, scheduler,
            TlsKeyFollower.DEFAULT_INTERVAL);
    started.push(tlsFollower);
    settings = settings.withTlsKey(activeTls.assignments().get(TlsListener.INGRESS));

    KeygateGateway gateway =
        KeygateGateway.start(
            settings, hsm, ConfigView.of(refresher), new InMemoryNonceStore(clock,
                Integer.parseInt(env.getOrDefault("KEYGATE_NONCE_CAPACITY", "1000000"))),
            clock, scheduler, new RecordingCallObserver(lastUsed, securityEvents, clock));
    started.push(gateway);
    AdminServer admin = env.containsKey("KEYGATE_ADMIN_LISTEN")
        ? startAdmin(env, hsm, db, store, refresher, audit, activeTls, tlsFollower, clock, random)
        : null;
    if (admin != null) {
      started.push(admin);
    }
    gateway.tlsKeys().ifPresent(keys -> tlsFollower.follow(TlsListener.INGRESS, keys));
    if (admin != null) {
      tlsFollower.follow(TlsListener.ADMIN, admin.tlsKeys());
    }
    tlsFollower.pollQuietly(); // reports what this node serves at once
    tlsFollower.start();
    return new GatewayNode(gateway, admin, started);
  }

  /** The data plane's port (useful when KEYGATE_LISTEN asked for port 0). */
  public int port() {
    return gateway.port();
  }

  /** The admin API's port, if KEYGATE_ADMIN_LISTEN enabled it. */
  public OptionalInt adminPort() {
    return admin == null ? OptionalInt.empty() : OptionalInt.of(admin.port());
  }

  /** Stops serving, flushes what is buffered (last use, security events), closes the HSM. */
  @Override
  public void close() {
    closeAll(stopInOrder);
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable c = started.pop();
      try {
        c.close();
      } catch (Exception e) {
        System.getLogger("io.keygate.gateway").log(
            System.Logger.Level.WARNING, "stopping " + c + " failed: " + e.getMessage());
      }
    }
  }

  /**
   * The admin API on its own port, mutual TLS with KEYGATE_ADMIN_CA_FILE. KEYGATE_FIRST_OFFICER_SHA256
   * (the fingerprint `keystore-admin bootstrap officer-cert` prints) seeds the first security
   * officer while no principal exists yet.
   */
  private static AdminServer startAdmin(Map<String, String> env, HsmToken hsm, ConfigDatabase db,
      ConfigStore store, SnapshotRefresher refresher, ChainedAuditLog audit, ActiveTlsKeys activeTls,
      TlsKeyFollower tlsFollower, Clock clock, SecureRandom random)
      throws Exception {
    AdminPrincipals principals = new AdminPrincipals(db.principals(), clock);
    String firstOfficer = env.get("KEYGATE_FIRST_OFFICER_SHA256");
    if (firstOfficer != null && principals.list().isEmpty()) {
      principals.add(AdminPrincipal.officer(IdentityMatch.sha256(firstOfficer)));
    }
    Runnable refreshSnapshot = () -> {
      try {
        refresher.refreshNow();
      } catch (StoreException e) {
        throw new IllegalStateException(e);
      }
    };
    KeyControl.Settings dualControl = new KeyControl.Settings(
        Integer.parseInt(env.getOrDefault("KEYGATE_APPROVALS_REQUIRED", "2")),
        Duration.parse(env.getOrDefault("KEYGATE_APPROVAL_TTL", "PT24H")),
        Set.of(AuditHeadSigner.DEFAULT_KEY_LABEL));
    KeyControl keyControl = KeyControl.create(db.approvals(), hsm, store, principals, activeTls,
        audit, dualControl, clock, random, refreshSnapshot, tlsFollower::pollQuietly);
    AdminService service = AdminService.create(store, hsm, principals, audit,
        AuditReading.over(db.auditChain(), db.signedHeads(), hsm), keyControl, clock, random,
        refreshSnapshot);
    KeyLabel adminKey = activeTls.assignments().get(TlsListener.ADMIN);
    List<X509Certificate> adminCas = readCertificates(Path.of(required(env, "KEYGATE_ADMIN_CA_FILE")));
    return AdminServer.start(
        new AdminServerSettings(address(required(env, "KEYGATE_ADMIN_LISTEN")),
            adminKey,
            adminCas),
        hsm, service, random);
  }

  private static InetSocketAddress address(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
  }

  private static List<X509Certificate> readCertificates(Path pem) throws Exception {
    List<X509Certificate> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(pem)) {
      CertificateFactory.getInstance("X.509").generateCertificates(in)
          .forEach(c -> out.add((X509Certificate) c));
    }
    return out;
  }

  private static String required(Map<String, String> env, String name) {
    String value = env.get(name);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("set " + name + " (see docs/operations.md)");
    }
    return value;
  }
}
