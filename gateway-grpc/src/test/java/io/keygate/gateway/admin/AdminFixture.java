package io.keygate.gateway.admin;

import io.keygate.gateway.audit.AuditHeadSink;
import io.keygate.gateway.node.AdminPlane;
import io.keygate.gateway.node.AdminPlaneSettings;
import java.util.Optional;

import io.keygate.gateway.admin.access.AdminPrincipal;
import io.keygate.gateway.admin.access.AdminPrincipals;
import io.keygate.gateway.admin.api.AdminServer;
import io.keygate.gateway.admin.api.AdminServerSettings;

import io.grpc.ManagedChannel;
import io.keygate.gateway.audit.AuditLog;
import io.keygate.gateway.audit.ChainedAuditLog;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.BackendAllowance;
import io.keygate.gateway.model.DomainAllowance;
import io.keygate.gateway.store.jdbc.ConfigDatabase;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.credentials.KekIssuers;
import io.keygate.gateway.credentials.WrappedIssuance;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.config.SnapshotRefresher;
import io.keygate.gateway.model.Tenant;
import io.keygate.gateway.tls.ActiveTlsKeys;
import io.keygate.gateway.tls.TlsKeyFollower;
import io.keygate.gateway.tls.TlsListener;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.pkcs11.SunPkcs11Token;
import io.keygate.hsm.testing.MutableClock;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.admin.v1.AdminServiceGrpc;
import io.keygate.proto.admin.v1.AdminServiceGrpc.AdminServiceBlockingStub;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A whole admin plane for one test class: a fresh SoftHSM2 token holding the server's TLS key, an
 * embedded H2 config database, the admin server on real Netty mutual TLS, a test admin CA and one
 * client certificate per role. Tenants acme and globex exist (with apps acme-app, globex-app);
 * the principals are an officer and an auditor (by subject), acme's admin (by fingerprint) and
 * globex's admin (by subject). {@link #stranger} has a valid certificate but no principal.
 *
 * <p>The service's clock is a {@link MutableClock} (credential expiry is tested by moving it);
 * TLS checks certificates against real time. After each successful write the admin server calls
 * the refresher, which is never started, so only that hook can move {@link #snapshots}.
 *
 * <p>Calls are audited into {@link #audit} (in memory), or with {@link #withJdbcAuditLog()} into
 * the database's real audit log; either way the audit RPCs read the database's log.
 */
final class AdminFixture implements AutoCloseable {
  static final String ACME = "acme";
  static final String GLOBEX = "globex";
  static final String ACME_DOMAIN = "acme.example";
  static final String GLOBEX_DOMAIN = "globex.example";
  /** The one backend both tenants are allowed (acme's APIs also unauthenticated). */
  static final String BACKEND = "127.0.0.1:9";
  /** The id this fixture's node reports its TLS keys and issuing KEK under. */
  static final String NODE_ID = "admin-fixture-node";

  final SoftHsmTokens tokens;
  final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.MILLIS));
  final RecordingAuditLog audit = new RecordingAuditLog();
  final AtomicInteger configChanges = new AtomicInteger();
  final TestAdminCa ca;
  SunPkcs11Token hsm;
  ConfigDatabase database;
  ConfigStore store;
  AdminPrincipals principals;
  SnapshotRefresher snapshots;
  AdminServer server;
  X509Certificate serverCert;
  TestAdminCa.Client officer;
  TestAdminCa.Client auditor;
  TestAdminCa.Client acmeAdmin;
  TestAdminCa.Client globexAdmin;
  TestAdminCa.Client stranger;
  private final ScheduledExecutorService idleScheduler =
      Executors.newSingleThreadScheduledExecutor();
  private final List<ManagedChannel> channels = new ArrayList<>();
  private boolean jdbcAudit;
  private Optional<WrappedIssuance> wrapped = Optional.empty();
  private int approvalsRequired = 2;
  private Duration approvalTtl = Duration.ofHours(1);
  ActiveTlsKeys activeTls;
  TlsKeyFollower tlsFollower;

  AdminFixture(SoftHsmTokens tokens) throws Exception {
    this.tokens = tokens;
    this.ca = new TestAdminCa("CN=Keygate Test Admin CA");
  }

  /**
   * Records into the real hash-chained {@code audit_log} of {@link #database} (a {@link
   * ChainedAuditLog}) instead of {@link #audit}, so the audit RPCs have records to read and verify.
   * Call before {@link #start}.
   */
  AdminFixture withJdbcAuditLog() {
    jdbcAudit = true;
    return this;
  }

  /** Issue new secrets in the HSM, wrapped (call before {@link #start}). */
  AdminFixture withKeyHierarchy(WrappedIssuance issuance) {
    wrapped = Optional.of(issuance);
    return this;
  }

  /** Issue payload keys under {@code kek} with {@code keys} (call before {@link #start}). */
  AdminFixture withPayloadKeys(io.keygate.hsm.PayloadKeys keys, io.keygate.hsm.KekId kek) {
    payloadKeys = Optional.of(keys);
    payloadKek = Optional.of(kek);
    return this;
  }

  private Optional<io.keygate.hsm.PayloadKeys> payloadKeys = Optional.empty();
  private Optional<io.keygate.hsm.KekId> payloadKek = Optional.empty();

  /** M of the dual control (default 2) and how long a request waits (default 1 h). */
  AdminFixture withApprovals(int required, Duration ttl) {
    approvalsRequired = required;
    approvalTtl = ttl;
    return this;
  }

  AdminFixture start(String tokenLabel) throws Exception {
    hsm = tokens.open(tokenLabel);
    KeyLabel tlsKey = KeyLabel.of("admin-tls");
    hsm.generateEcKey(tlsKey, CertificateProfile.localhost("keygate-admin", Duration.ofDays(1)));
    serverCert = hsm.certificateChain(tlsKey).get(0);

    Path dataDir = Files.createTempDirectory("keygate-admin-");
    database = ConfigDatabase.open(ConfigDatabaseSettings.embeddedH2(dataDir));
    store = database.store(clock);
    principals = new AdminPrincipals(database.principals(), clock);
    snapshots = new SnapshotRefresher(store, idleScheduler, clock);
    snapshots.refreshNow();
    provision();

    AuditLog auditLog = jdbcAudit ? new ChainedAuditLog(database.auditChain()) : audit;
    activeTls = new ActiveTlsKeys(database.tlsKeys(), Map.of(TlsListener.ADMIN, tlsKey));
    tlsFollower = new TlsKeyFollower(activeTls, hsm, NODE_ID, clock, idleScheduler,
        Duration.ofDays(1));
    // Built the way a node builds it, with this fixture's clock and audit log.
    server = AdminPlane.start(
        new AdminPlaneSettings(
            new AdminServerSettings(
                new InetSocketAddress("127.0.0.1", 0), tlsKey, List.of(ca.certificate)),
            Optional.empty(), approvalsRequired, approvalTtl),
        new AdminPlane.Parts(hsm, database, store, principals, auditLog, AuditHeadSink.NONE,
            activeTls, tlsFollower,
            clock, new SecureRandom(), wrapped.map(WrappedIssuance::keys),
            kekIssuers(), payloadKeys, payloadKek, this::refresh));
    return this;
  }

  /** This fixture's node's report of its issuing KEK, as a node's admin plane makes it. */
  KekIssuers kekIssuers() {
    return new KekIssuers(database.kekIssuers(), NODE_ID, wrapped.map(WrappedIssuance::issuingKek),
        clock);
  }

  private void provision() throws Exception {
    store.createTenant(new Tenant(ACME, "Acme"));
    store.createTenant(new Tenant(GLOBEX, "Globex"));
    store.createApp(new App("acme-app", ACME, "Acme app"));
    store.createApp(new App("globex-app", GLOBEX, "Globex app"));
    // What a security officer allowed each tenant's APIs: a domain each, one backend both.
    store.allowDomain(new DomainAllowance(ACME, ACME_DOMAIN));
    store.allowDomain(new DomainAllowance(GLOBEX, GLOBEX_DOMAIN));
    store.allowBackend(new BackendAllowance(ACME, BACKEND, true));
    store.allowBackend(new BackendAllowance(GLOBEX, BACKEND, false));
    officer = ca.issue("CN=officer-1,O=Keygate Admins");
    auditor = ca.issue("CN=auditor-1,O=Keygate Admins");
    acmeAdmin = ca.issue("CN=acme-admin,O=Acme");
    globexAdmin = ca.issue("CN=globex-admin,O=Globex");
    stranger = ca.issue("CN=stranger,O=Nowhere");
    principals.add(AdminPrincipal.officer(officer.identity().subject()));
    principals.add(AdminPrincipal.auditor(auditor.identity().subject()));
    principals.add(AdminPrincipal.tenantAdmin(acmeAdmin.identity().sha256(), ACME));
    principals.add(AdminPrincipal.tenantAdmin(globexAdmin.identity().subject(), GLOBEX));
  }

  /** Another security-officer (by fingerprint), e.g. the second one dual control needs. */
  TestAdminCa.Client addOfficer(String commonName) throws Exception {
    TestAdminCa.Client client = ca.issue("CN=" + commonName + ",O=Keygate Admins");
    principals.add(AdminPrincipal.officer(client.identity().sha256()));
    return client;
  }

  /** What the integrator wires as onConfigChanged: refresh this node's snapshot now. */
  private void refresh() {
    configChanges.incrementAndGet();
    try {
      snapshots.refreshNow();
    } catch (StoreException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A blocking stub for a client presenting {@code client}'s certificate (null: none). */
  AdminServiceBlockingStub as(TestAdminCa.Client client) {
    return AdminServiceGrpc.newBlockingStub(channel(client))
        .withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  ManagedChannel channel(TestAdminCa.Client client) {
    try {
      ManagedChannel ch = TestAdminCa.channel(server.port(), serverCert, client);
      channels.add(ch);
      return ch;
    } catch (Exception e) {
      throw new UncheckedIOException(new java.io.IOException(e));
    }
  }

  @Override
  public void close() throws Exception {
    channels.forEach(ManagedChannel::shutdownNow);
    if (server != null) {
      server.close();
    }
    if (snapshots != null) {
      snapshots.close();
    }
    idleScheduler.shutdownNow();
    if (database != null) {
      database.close();
    }
    if (hsm != null) {
      hsm.close();
    }
  }
}
