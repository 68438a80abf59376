package io.keygate.gateway.store.jdbc;

import io.keygate.gateway.admin.access.PrincipalStore;
import io.keygate.gateway.admin.access.QuorumHistory;
import io.keygate.gateway.approval.ApprovalRecords;
import io.keygate.gateway.audit.AuditChain;
import io.keygate.gateway.audit.SignedHeads;
import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.credentials.KekIssuerReports;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.gateway.store.StoreException;
import io.keygate.gateway.tls.TlsKeyAssignments;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * The config database of one process: a HikariCP pool, migrated to the current schema by Flyway
 * before anyone uses it. A node opens it once and takes from it the store of each concern (config,
 * audit chain and signed heads, approvals, TLS keys, admin principals); nothing else sees JDBC. Opening fails at once (with a message naming the database, never the
 * password) if the database cannot be reached or migrated, so a node never starts half-configured.
 *
 * <p>Several nodes may open the same server database at once: Flyway takes a database lock
 * (MariaDB named lock, PostgreSQL advisory lock) so only one migrates.
 */
public final class ConfigDatabase implements AutoCloseable {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.config");
  static final String MIGRATIONS = "classpath:db/migration";

  private final HikariDataSource pool;
  private final String description;

  private ConfigDatabase(HikariDataSource pool, String description) {
    this.pool = pool;
    this.description = description;
  }

  /**
   * Connects and migrates.
   *
   * @throws StoreException if the database is unreachable, refuses the login, or a
   *     migration fails (nothing is left open)
   */
  public static ConfigDatabase open(ConfigDatabaseSettings settings) throws StoreException {
    String where = settings.redactedUrl();
    Optional<Path> embedded = EmbeddedDirectory.of(settings.jdbcUrl());
    try {
      if (embedded.isPresent()) {
        EmbeddedDirectory.secure(embedded.get());
      }
    } catch (IOException e) {
      throw new StoreException("cannot create the data directory owner-only: " + e.getMessage(), e);
    }
    HikariDataSource pool;
    try {
      pool = new HikariDataSource(poolConfig(settings));
    } catch (RuntimeException e) {
      throw new StoreException(
          "cannot connect to the config database " + where + ": " + rootMessage(e), e);
    }
    try {
      MigrateResult result =
          Flyway.configure()
              .dataSource(pool)
              .locations(MIGRATIONS)
              .javaMigrations(new ExactMatchCollation())
              .failOnMissingLocations(true)
              .load()
              .migrate();
      LOG.log(
          Level.INFO,
          "config database {0}: {1} migration(s) applied, schema version {2}",
          where,
          result.migrationsExecuted,
          result.targetSchemaVersion == null ? "unchanged" : result.targetSchemaVersion);
    } catch (RuntimeException e) { // FlywayException and whatever a driver throws unchecked
      pool.close();
      throw new StoreException(
          "cannot migrate the config database " + where + ": " + rootMessage(e), e);
    }
    return new ConfigDatabase(pool, where);
  }

  private static HikariConfig poolConfig(ConfigDatabaseSettings settings) {
    HikariConfig config = new HikariConfig();
    config.setPoolName("keygate-config");
    config.setJdbcUrl(settings.jdbcUrl());
    config.setUsername(settings.user());
    char[] password = settings.password();
    try {
      // HikariCP keeps a String: the one copy we cannot clear.
      config.setPassword(new String(password));
    } finally {
      Arrays.fill(password, '\0');
    }
    config.setMaximumPoolSize(settings.maxPoolSize());
    config.setMinimumIdle(1);
    // What the store asks for anyway (see JdbcTransactions); as the pool default it costs no
    // round trip per transaction on MariaDB, whose own default is REPEATABLE READ.
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    long timeout = settings.connectTimeout().toMillis();
    config.setConnectionTimeout(timeout);
    // Hikari requires validation to finish within the connection timeout.
    config.setValidationTimeout(Math.max(250, Math.min(timeout / 2, Duration.ofSeconds(5).toMillis())));
    // Fail in open() rather than on first use when the database is unreachable.
    config.setInitializationFailTimeout(timeout);
    return config;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  /**
   * The pooled, migrated data source, for tests and tools that inspect or tamper with the tables
   * by SQL. The gateway itself uses the stores below. Closed by {@link #close()}.
   */
  public DataSource dataSource() {
    return pool;
  }

  /** The configuration (tenants, apps, credentials, APIs, grants); {@code clock} stamps creation. */
  public ConfigStore store(Clock clock) {
    return new JdbcConfigStore(pool, clock);
  }

  /** The hash-chained audit records and their head. */
  public AuditChain auditChain() {
    return new JdbcAuditChain(pool);
  }

  /** The signed heads of the audit chain. */
  public SignedHeads signedHeads() {
    return new JdbcSignedHeads(pool);
  }

  /** Dual-control requests and votes. */
  public ApprovalRecords approvals() {
    return new JdbcApprovalRecords(pool);
  }

  /** Which TLS key each listener serves, cluster-wide. */
  public TlsKeyAssignments tlsKeys() {
    return new JdbcTlsKeyAssignments(pool);
  }

  /** Which KEK each node issues new secrets under, cluster-wide. */
  public KekIssuerReports kekIssuers() {
    return new JdbcKekIssuerReports(pool);
  }

  /** Each API's payload encryption policy and key rings (migration V13). */
  public PayloadKeyStore payloadKeys() {
    return new JdbcPayloadKeyStore(pool);
  }

  /** Each tenant's default and each API's own signature version requirement (migration V15). */
  public io.keygate.gateway.config.SignatureRequirementStore signatureRequirements() {
    return new JdbcSignatureRequirementStore(pool);
  }

  /** Who may use the admin API, and as what. */
  public PrincipalStore principals() {
    return new JdbcPrincipalStore(pool);
  }

  /** Whether M security-officers have ever existed (closes the bootstrap window for good). */
  public QuorumHistory quorumHistory() {
    return new JdbcQuorumHistory(pool);
  }

  /** The database URL without parameters, for logs and health pages. */
  public String description() {
    return description;
  }

  /** Closes the pool; calls through the stores fail with {@link StoreException} afterwards. */
  @Override
  public void close() {
    pool.close();
  }
}
