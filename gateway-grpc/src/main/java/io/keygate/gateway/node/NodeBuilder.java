package io.keygate.gateway.node;

import io.keygate.gateway.attestation.AttestationKeys;
import io.keygate.gateway.accesslog.AccessLogSettings;
import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.api.AdminServer;
import io.keygate.gateway.audit.AuditHeadFile;
import io.keygate.gateway.audit.AuditHeadSigner;
import io.keygate.gateway.audit.AuditHeadSink;
import io.keygate.gateway.audit.ChainedAuditLog;
import io.keygate.gateway.audit.SecurityEventAggregator;
import io.keygate.gateway.audit.SignedAuditLog;
import io.keygate.gateway.auth.MacVerifier;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.gateway.credentials.KekIssuers;
import io.keygate.gateway.metrics.NodeMetrics;
import io.keygate.gateway.metrics.PrometheusEndpoint;
import io.keygate.gateway.credentials.LastUsedTracker;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.dataplane.ConfigView;
import io.keygate.gateway.dataplane.IngressServer;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyFollower;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.PayloadKeys;
import io.keygate.hsm.WrappedMacKeys;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The one place that builds a node's object graph, for every executable: GatewayMain, the demo
 * and the test fixtures. By default it opens the token and the config database the settings name
 * and owns them; a caller may hand over ones it opened (and then closes them itself).
 *
 * <p>Three schedulers, one thread each, so that no job can starve another: the data plane's
 * health (an HSM probe can take hundreds of milliseconds, or hang with the token), the
 * configuration poll (the data plane's freshness), and control-plane housekeeping (audit heads,
 * security events, last use, TLS key following).
 */
public final class NodeBuilder {
  /**
   * How often a node writes its credentials' last-use times (and once more when it stops): a key
   * a node's calls keep using costs one row update a minute, not one every few seconds (at 5,000
   * keys in use, every 5 s cost the data plane 5 µs of CPU a call; docs/benchmarks.md). Officers
   * read the time to see whether a key is still used, for which a minute is precise enough.
   */
  private static final Duration LAST_USE_FLUSH_INTERVAL = Duration.ofMinutes(1);

  private final NodeSettings settings;
  private HsmToken token;
  private WrappedMacKeys wrappedSecrets;
  private PayloadKeys payloadKeys;
  private ConfigDatabase database;
  private Clock clock = Clock.systemUTC();
  private CallObserver extraObserver = CallObserver.NONE;
  private UnaryOperator<ConfigView> configView = UnaryOperator.identity();
  private UnaryOperator<MacVerifier> macVerifier = UnaryOperator.identity();
  private Duration snapshotPollInterval = SnapshotRefresher.DEFAULT_POLL_INTERVAL;
  private Optional<InetSocketAddress> prometheusListen = Optional.empty();
  private AttestationKeys attestation = AttestationKeys.NONE;
  private Optional<DataPlane.TokenLoss> onTokenLost = Optional.empty();
  private boolean jmxMetrics;
  private AccessLogSettings accessLog = AccessLogSettings.off();

  NodeBuilder(NodeSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /**
   * Serve the node's metrics in Prometheus' text format on {@code listen} (KEYGATE_METRICS_LISTEN;
   * port 0 picks a free one, {@link GatewayNode#metricsPort()} says which).
   */
  public NodeBuilder prometheusEndpoint(InetSocketAddress listen) {
    prometheusListen = Optional.of(listen);
    return this;
  }

  /** Write an access log (KEYGATE_ACCESS_LOG; off by default). */
  public NodeBuilder accessLog(AccessLogSettings settings) {
    accessLog = Objects.requireNonNull(settings, "settings");
    return this;
  }

  /**
   * Attest every authenticated call to its backend with the token's EC key {@code label}
   * (KEYGATE_BACKEND_ATTESTATION_KEY, docs/backend-attestation.md); the node does not start
   * without that key.
   */
  public NodeBuilder backendAttestation(KeyLabel label) {
    attestation = attestation.withEcdsa(label);
    return this;
  }

  /** Attest with these keys (KEYGATE_BACKEND_ATTESTATION_KEY and _HMAC), instead of none. */
  public NodeBuilder backendAttestation(AttestationKeys keys) {
    attestation = Objects.requireNonNull(keys, "keys");
    return this;
  }

  /**
   * Runs {@code action} once the token has been unavailable for {@code after} (GatewayMain exits
   * 3 for its supervisor: SunPKCS11 does not recover a lost token in-process).
   */
  public NodeBuilder onTokenLost(Duration after, Runnable action) {
    onTokenLost = Optional.of(new DataPlane.TokenLoss(after, action));
    return this;
  }

  /** Publish the node's metrics in the platform MBean server (a node process; one per JVM). */
  public NodeBuilder jmxMetrics() {
    jmxMetrics = true;
    return this;
  }

  /** Serve from a token the caller opened (and closes after the node). */
  public NodeBuilder token(HsmToken openToken) {
    this.token = Objects.requireNonNull(openToken, "openToken");
    return this;
  }

  /** Verify (and issue) wrapped secrets with a key hierarchy the caller opened (and closes). */
  public NodeBuilder wrappedSecrets(WrappedMacKeys openHierarchy) {
    this.wrappedSecrets = Objects.requireNonNull(openHierarchy, "openHierarchy");
    return this;
  }

  /** Open and seal encrypted payloads with keys the caller opened (and closes). */
  public NodeBuilder payloadKeys(PayloadKeys openPayloadKeys) {
    this.payloadKeys = Objects.requireNonNull(openPayloadKeys, "openPayloadKeys");
    return this;
  }

  /** Use a config database the caller opened (and closes after the node). */
  public NodeBuilder database(ConfigDatabase openDatabase) {
    this.database = Objects.requireNonNull(openDatabase, "openDatabase");
    return this;
  }

  public NodeBuilder clock(Clock nodeClock) {
    this.clock = Objects.requireNonNull(nodeClock, "nodeClock");
    return this;
  }

  /** Also tell {@code observer} about every authentication outcome (tests watch with it). */
  public NodeBuilder alsoObserve(CallObserver observer) {
    this.extraObserver = Objects.requireNonNull(observer, "observer");
    return this;
  }

  /** Wraps the data plane's view of the configuration (tests make it look stale with it). */
  public NodeBuilder configView(UnaryOperator<ConfigView> wrapper) {
    this.configView = Objects.requireNonNull(wrapper, "wrapper");
    return this;
  }

  /** Wraps the HSM's MAC check of signed calls (tests hold the token busy with it). */
  public NodeBuilder macVerifier(UnaryOperator<MacVerifier> wrapper) {
    this.macVerifier = Objects.requireNonNull(wrapper, "wrapper");
    return this;
  }

  public NodeBuilder snapshotPollInterval(Duration interval) {
    this.snapshotPollInterval = Objects.requireNonNull(interval, "interval");
    return this;
  }

  /**
   * Starts the node. As with any failure to start, whatever was already started (token session,
   * database pool, ports, threads) is closed again before this throws.
   */
  public GatewayNode start() throws Exception {
    StartedParts parts = new StartedParts();
    try {
      return start(parts);
    } catch (Exception | Error e) {
      parts.closeAll();
      throw e;
    }
  }

  private GatewayNode start(StartedParts parts) throws Exception {
    HsmToken hsm = token != null ? token : parts.add(NodeHsm.openToken(settings));
    Optional<WrappedMacKeys> hierarchy = wrappedSecrets != null
        ? Optional.of(wrappedSecrets)
        : NodeHsm.openHierarchy(settings, clock, parts);
    Optional<PayloadKeys> payloads = payloadKeys != null
        ? Optional.of(payloadKeys)
        : NodeHsm.openPayloadKeys(settings, clock, parts);
    ConfigDatabase db = database != null ? database : parts.add(ConfigDatabase.open(settings.database()));
    ScheduledExecutorService healthThread = parts.scheduler("keygate-health");
    ScheduledExecutorService snapshotThread = parts.scheduler("keygate-snapshots");
    ScheduledExecutorService housekeeping = parts.scheduler("keygate-housekeeping");
    // Its own thread: first-message deadlines must fire even while a health probe hangs.
    ScheduledExecutorService preAuthTimers = parts.scheduler("keygate-preauth");

    SnapshotRefresher refresher =
        parts.add(new SnapshotRefresher(db.store(clock), snapshotThread, clock, snapshotPollInterval));
    refresher.refreshNow();
    refresher.start();
    NodeMetrics metrics = parts.add(jmxMetrics ? NodeMetrics.withJmx() : NodeMetrics.withoutJmx());
    NodeObservability observed =
        NodeObservability.start(parts, metrics, accessLog, clock, System::nanoTime);
    NodeGauges.configuration(metrics, refresher);
    hierarchy.ifPresent(keys -> NodeGauges.keyCache(metrics, keys));
    ConfigStore store = db.store(clock);

    // Audit: hash-chained log in the config DB, chain heads signed by an HSM key every minute,
    // data-plane refusals aggregated per key, app, code and minute.
    // Admin calls are answered only once their record is signed and exported to the head file.
    ChainedAuditLog audit = new ChainedAuditLog(db.auditChain());
    AuditHeadFile headFile = parts.add(AuditHeadFile.open(settings.auditHeadFile()));
    AuditHeadSigner heads = parts.add(new AuditHeadSigner(db.auditChain(), db.signedHeads(), hsm,
        AuditHeadSigner.DEFAULT_KEY_LABEL, clock, housekeeping, AuditHeadSigner.DEFAULT_INTERVAL,
        headFile));
    heads.ensureKey();
    heads.start();
    SignedAuditLog adminAudit = new SignedAuditLog(audit, heads);
    SecurityEventAggregator securityEvents = parts.add(new SecurityEventAggregator(
        audit, clock, housekeeping, SecurityEventAggregator.DEFAULT_FLUSH_INTERVAL, 10_000));
    securityEvents.start();
    LastUsedTracker lastUsed = new LastUsedTracker();
    parts.addAction("last-use flush", () -> lastUsed.flush(store));
    housekeeping.scheduleWithFixedDelay(() -> lastUsed.flush(store),
        LAST_USE_FLUSH_INTERVAL.toMillis(), LAST_USE_FLUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);

    // TLS keys: each listener serves the key activated cluster-wide (dual control), or until one
    // is, the configured one; the follower switches new handshakes when an activation lands.
    KeyLabel ingressKey = settings.gateway().tlsKey();
    KeyLabel adminKey = settings.admin().map(a -> a.server().tlsKey()).orElse(ingressKey);
    ActiveTlsKeys activeTls = new ActiveTlsKeys(
        db.tlsKeys(), Map.of(TlsListener.INGRESS, ingressKey, TlsListener.ADMIN, adminKey));
    TlsKeyFollower tlsFollower = parts.add(new TlsKeyFollower(activeTls, hsm,
        UUID.randomUUID().toString(), clock, housekeeping, TlsKeyFollower.DEFAULT_INTERVAL));

    CallObserver observer = CallObserver.both(CallObserver.both(
        new RecordingCallObserver(lastUsed, securityEvents, clock), metrics.callObserver()),
        extraObserver);
    IngressServer ingress = DataPlane.start(parts, new DataPlane.Parts(settings,
        settings.gateway().withTlsKey(activeTls.assignments().get(TlsListener.INGRESS)), hsm,
        hierarchy, payloads, refresher, observer, observed, clock, healthThread, preAuthTimers,
        configView, macVerifier, attestation, snapshotPollInterval,
        onTokenLost));

    AdminServer admin = null;
    if (settings.admin().isPresent()) {
      SecureRandom random = SecureRandom.getInstance("DRBG");
      // The KEK this node issues under, reported before the admin plane issues anything, then
      // every few seconds, and withdrawn when the node stops: no node destroys it meanwhile.
      KekIssuers kekIssuers = new KekIssuers(db.kekIssuers(), UUID.randomUUID().toString(),
          hierarchy.isPresent() ? settings.keys().issuingKek() : Optional.empty(), clock);
      parts.addAction("issuing KEK report", kekIssuers::withdraw);
      admin = parts.add(startAdmin(settings.admin().get(), hsm, hierarchy, payloads, db, store,
          refresher, adminAudit, headFile, activeTls, tlsFollower, random, kekIssuers));
      housekeeping.scheduleWithFixedDelay(kekIssuers::reportQuietly,
          KekIssuers.REPORT_INTERVAL.toMillis(), KekIssuers.REPORT_INTERVAL.toMillis(),
          TimeUnit.MILLISECONDS);
    }
    ingress.tlsKeys().ifPresent(keys -> tlsFollower.follow(TlsListener.INGRESS, keys));
    tlsFollower.pollQuietly(); // reports what this node serves at once
    tlsFollower.start();
    // Last, once every metric is registered: a scrape never sees a half-built node.
    OptionalInt metricsPort = OptionalInt.empty();
    if (prometheusListen.isPresent()) {
      metricsPort = OptionalInt.of(
          parts.add(PrometheusEndpoint.start(prometheusListen.get(), metrics, observed::ready))
              .port());
    }
    return new GatewayNode(ingress, admin, refresher, metricsPort, parts.handOver());
  }

  /**
   * The admin API on its own port, mutual TLS with the admin CAs. The first officer's fingerprint
   * seeds the first security officer while no principal exists yet.
   */
  private AdminServer startAdmin(AdminPlaneSettings adminSettings, HsmToken hsm,
      Optional<WrappedMacKeys> hierarchy, Optional<PayloadKeys> payloads, ConfigDatabase db,
      ConfigStore store, SnapshotRefresher refresher, SignedAuditLog audit, AuditHeadSink headFile,
      ActiveTlsKeys activeTls,
      TlsKeyFollower tlsFollower, SecureRandom random, KekIssuers kekIssuers) throws Exception {
    AdminPrincipals principals = new AdminPrincipals(db.principals(), clock);
    if (adminSettings.firstOfficer().isPresent() && principals.list().isEmpty()) {
      principals.add(AdminPrincipal.officer(adminSettings.firstOfficer().get()));
    }
    Runnable refreshSnapshot = () -> {
      try {
        refresher.refreshNow();
      } catch (StoreException e) {
        throw new IllegalStateException(e);
      }
    };
    return AdminPlane.start(adminSettings, new AdminPlane.Parts(hsm, db, store, principals, audit,
        headFile, activeTls, tlsFollower, clock, random,
        hierarchy, kekIssuers, payloads, settings.keys().payloadKek(), refreshSnapshot));
  }
}
