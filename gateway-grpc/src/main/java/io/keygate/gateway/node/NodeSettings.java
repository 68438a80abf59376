package io.keygate.gateway.node;

import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.api.AdminServerSettings;
import io.keygate.gateway.dataplane.CallLimits;
import io.keygate.gateway.dataplane.HsmLane;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.dataplane.PreAuthSettings;
import io.keygate.gateway.proxy.TransportLoops;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
import io.keygate.gateway.store.redis.RedisSettings;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a node is configured with, parsed once and checked before anything starts.
 *
 * @param hsmConfig the SunPKCS11 configuration of the token; empty when the caller hands the
 *     builder a token it opened itself (tests, the demo)
 * @param pin where the token's PIN comes from (with {@code hsmConfig})
 * @param gateway the data plane's listener and limits
 * @param database the config store (embedded H2 under the data directory by default)
 * @param nonceCapacity how many nonces the in-process replay store remembers
 * @param noncesPerKey how many of them one AccessKey may hold, so one key cannot starve others
 * @param noncesPerTenant how many of them the keys of one tenant may hold together, so one tenant
 *     cannot starve others
 * @param redisNonces the shared nonce store (KEYGATE_NONCE_STORE=redis) for a cluster of nodes;
 *     empty: the in-process one (capacity and per-tenant share apply to it only)
 * @param preAuth what a call may cost before it is authenticated, each and all together
 * @param calls how many calls may be open at once per connection, per AccessKey and per API, and
 *     how many may wait for the HSM
 * @param admin the admin API, when KEYGATE_ADMIN_LISTEN enables it
 * @param auditHeadFile the append-only file every signed audit head is exported to, outside the
 *     database (KEYGATE_AUDIT_HEAD_FILE; by default {@value #AUDIT_HEAD_FILE} in the data directory)
 * @param keys the key hierarchy: which KEK new secrets are wrapped under, how many unwrapped keys
 *     are kept
 */
public record NodeSettings(
    Optional<Path> hsmConfig,
    Optional<PinSource> pin,
    GatewaySettings gateway,
    ConfigDatabaseSettings database,
    int nonceCapacity,
    int noncesPerKey,
    int noncesPerTenant,
    Optional<RedisSettings> redisNonces,
    PreAuthSettings preAuth,
    CallLimits calls,
    Optional<AdminPlaneSettings> admin,
    Path auditHeadFile,
    KeyHierarchySettings keys) {

  public static final int DEFAULT_NONCE_CAPACITY = 1_000_000;
  public static final int DEFAULT_NONCES_PER_KEY = 100_000;
  public static final int DEFAULT_NONCES_PER_TENANT = 250_000;
  public static final String AUDIT_HEAD_FILE = "audit-heads.log";

  /** A node on a token the caller opens, with an embedded H2 store under {@code dataDir}. */
  public static NodeSettings local(GatewaySettings gateway, Path dataDir) {
    return new NodeSettings(Optional.empty(), Optional.empty(), gateway,
        ConfigDatabaseSettings.embeddedH2(dataDir), DEFAULT_NONCE_CAPACITY, DEFAULT_NONCES_PER_KEY,
        DEFAULT_NONCES_PER_TENANT, Optional.empty(), PreAuthSettings.defaults(),
        CallLimits.defaults(), Optional.empty(), dataDir.resolve(AUDIT_HEAD_FILE),
        KeyHierarchySettings.defaults());
  }

  public NodeSettings withAdmin(AdminPlaneSettings adminPlane) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, noncesPerKey,
        noncesPerTenant, redisNonces, preAuth, calls, Optional.of(adminPlane), auditHeadFile, keys);
  }

  public NodeSettings withNonceCapacity(int capacity) {
    return new NodeSettings(hsmConfig, pin, gateway, database, capacity,
        Math.min(noncesPerKey, capacity), Math.min(noncesPerTenant, capacity), redisNonces,
        preAuth, calls, admin, auditHeadFile, keys);
  }

  public NodeSettings withNonceShare(int perKey) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, perKey,
        noncesPerTenant, redisNonces, preAuth, calls, admin, auditHeadFile, keys);
  }

  public NodeSettings withTenantNonceShare(int perTenant) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, noncesPerKey,
        perTenant, redisNonces, preAuth, calls, admin, auditHeadFile, keys);
  }

  /** Nonces in the Redis the settings name, shared with every node that uses the same one. */
  public NodeSettings withRedisNonces(RedisSettings redis) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, noncesPerKey,
        noncesPerTenant, Optional.of(redis), preAuth, calls, admin, auditHeadFile, keys);
  }

  public NodeSettings withPreAuth(PreAuthSettings limits) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, noncesPerKey,
        noncesPerTenant, redisNonces, limits, calls, admin, auditHeadFile, keys);
  }

  public NodeSettings withKeyHierarchy(KeyHierarchySettings hierarchy) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, noncesPerKey,
        noncesPerTenant, redisNonces, preAuth, calls, admin, auditHeadFile, hierarchy);
  }

  public NodeSettings withCallLimits(CallLimits limits) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, noncesPerKey,
        noncesPerTenant, redisNonces, preAuth, limits, admin, auditHeadFile, keys);
  }

  /**
   * Reads the {@code KEYGATE_*} variables (docs/operations.md lists them). Reads the certificate
   * files they name; the PIN is only read when the token opens.
   *
   * @throws SettingsException naming the first variable that is missing or malformed
   */
  public static NodeSettings fromEnvironment(Map<String, String> environment)
      throws SettingsException {
    EnvironmentReader env = new EnvironmentReader(environment);
    Path hsmConfig = env.path("KEYGATE_HSM_CONFIG", env.required("KEYGATE_HSM_CONFIG"));
    PinSource pin;
    if (env.has("KEYGATE_HSM_PIN_FILE")) {
      pin = PinSource.file(env.path("KEYGATE_HSM_PIN_FILE", ""));
    } else if (env.has("KEYGATE_HSM_PIN")) {
      pin = PinSource.variable("KEYGATE_HSM_PIN", environment);
    } else {
      throw new SettingsException("KEYGATE_HSM_PIN_FILE", "not set (nor KEYGATE_HSM_PIN)");
    }
    KeyLabel tlsKey = label(env, "KEYGATE_TLS_KEY", "gateway-tls");
    boolean plaintext = env.bool("KEYGATE_PLAINTEXT_DEV");
    // Plaintext carries AccessKeys, signatures and payloads in clear: loopback unless overridden.
    GatewaySettings defaults = GatewaySettings.defaults(
        env.address("KEYGATE_LISTEN", plaintext ? "127.0.0.1:8443" : "0.0.0.0:8443"), tlsKey);
    if (plaintext && !env.bool("KEYGATE_PLAINTEXT_DEV_ALLOW_REMOTE")
        && !isLoopback(defaults.listen())) {
      throw new SettingsException("KEYGATE_LISTEN", "plaintext development mode listens on a"
          + " loopback address only (KEYGATE_PLAINTEXT_DEV_ALLOW_REMOTE=true overrides)");
    }
    GatewaySettings gateway =
        new GatewaySettings(
            defaults.listen(),
            tlsKey,
            env.has("KEYGATE_CLIENT_CA_FILE")
                ? env.certificates("KEYGATE_CLIENT_CA_FILE")
                : defaults.clientCas(),
            plaintext,
            defaults.timestampWindow(),
            defaults.maxConfigStaleness(),
            defaults.maxMessageBytes());
    Path dataDir = env.path("KEYGATE_DATA_DIR", "data");
    ConfigDatabaseSettings database;
    try {
      database = ConfigDatabaseSettings.fromEnvironment(environment, dataDir);
    } catch (IllegalArgumentException e) {
      // The URL may carry credentials and the password file's content is secret: fixed texts.
      throw e.getCause() != null
          ? new SettingsException(ConfigDatabaseSettings.PASSWORD_FILE_VARIABLE,
              "cannot read the file it names")
          : new SettingsException(ConfigDatabaseSettings.URL_VARIABLE,
              "expected a JDBC URL (jdbc:h2:, jdbc:mariadb:, jdbc:mysql:, jdbc:postgresql:)");
    }
    int nonceCapacity =
        env.integer("KEYGATE_NONCE_CAPACITY", DEFAULT_NONCE_CAPACITY, 1_000, 100_000_000);
    int noncesPerKey = env.integer("KEYGATE_NONCES_PER_KEY",
        Math.min(DEFAULT_NONCES_PER_KEY, nonceCapacity), 1, nonceCapacity);
    int noncesPerTenant = env.integer("KEYGATE_NONCES_PER_TENANT",
        Math.min(DEFAULT_NONCES_PER_TENANT, nonceCapacity), 1, nonceCapacity);
    PreAuthSettings preAuth = preAuth(env, gateway);
    CallLimits calls = calls(env);
    Optional<AdminPlaneSettings> admin =
        env.has("KEYGATE_ADMIN_LISTEN") ? Optional.of(admin(env, tlsKey)) : Optional.empty();
    return new NodeSettings(Optional.of(hsmConfig), Optional.of(pin), gateway, database,
        nonceCapacity, noncesPerKey, noncesPerTenant, redisNonces(env), preAuth, calls, admin,
        auditHeadFile(env, dataDir), keys(env));
  }

  /**
   * KEYGATE_NONCE_STORE: {@code memory} (the default, one node) or {@code redis} (a cluster), with
   * KEYGATE_REDIS_URI, KEYGATE_REDIS_PASSWORD_FILE and KEYGATE_REDIS_TIMEOUT_MS. The password
   * file is only read when the store opens.
   */
  private static Optional<RedisSettings> redisNonces(EnvironmentReader env)
      throws SettingsException {
    String kind = env.string("KEYGATE_NONCE_STORE", "memory");
    if (kind.equals("memory")) {
      return Optional.empty();
    }
    if (!kind.equals("redis")) {
      throw new SettingsException("KEYGATE_NONCE_STORE", "expected memory or redis");
    }
    Optional<Path> passwordFile = env.has("KEYGATE_REDIS_PASSWORD_FILE")
        ? Optional.of(env.path("KEYGATE_REDIS_PASSWORD_FILE", ""))
        : Optional.empty();
    Duration timeout = Duration.ofMillis(env.integer("KEYGATE_REDIS_TIMEOUT_MS",
        (int) RedisSettings.DEFAULT_TIMEOUT.toMillis(), 10, 60_000));
    RedisSettings redis;
    try {
      // A fixed text: the URI is not repeated (a mistyped one may carry a password).
      redis = RedisSettings.parse(env.required("KEYGATE_REDIS_URI"), passwordFile, timeout);
    } catch (IllegalArgumentException e) {
      throw new SettingsException("KEYGATE_REDIS_URI", e.getMessage());
    }
    if (redis.user().isPresent() && passwordFile.isEmpty()) {
      throw new SettingsException("KEYGATE_REDIS_PASSWORD_FILE",
          "not set, and KEYGATE_REDIS_URI names a user");
    }
    return Optional.of(redis);
  }

  private static PreAuthSettings preAuth(EnvironmentReader env, GatewaySettings gateway)
      throws SettingsException {
    int maxFirstMessage = env.integer("KEYGATE_PREAUTH_MAX_MESSAGE_BYTES",
        PreAuthSettings.DEFAULT_MAX_FIRST_MESSAGE_BYTES, 1, gateway.maxMessageBytes());
    return new PreAuthSettings(
        maxFirstMessage,
        env.duration("KEYGATE_FIRST_MESSAGE_TIMEOUT", PreAuthSettings.DEFAULT_FIRST_MESSAGE_TIMEOUT),
        // Less than one first message of the largest allowed size would refuse every such call.
        env.integer("KEYGATE_PREAUTH_NODE_BYTES",
            Math.max(PreAuthSettings.DEFAULT_NODE_BYTES, maxFirstMessage), maxFirstMessage, 1 << 30),
        env.integer("KEYGATE_PREAUTH_MAX_CALLS", PreAuthSettings.DEFAULT_NODE_CALLS, 1, 1_000_000));
  }

  private static CallLimits calls(EnvironmentReader env) throws SettingsException {
    return new CallLimits(
        env.integer("KEYGATE_MAX_CALLS_PER_CONNECTION", CallLimits.DEFAULT_PER_CONNECTION, 1, 100_000),
        env.integer("KEYGATE_MAX_CALLS_PER_KEY", CallLimits.DEFAULT_PER_KEY, 1, 1_000_000),
        env.integer("KEYGATE_MAX_CALLS_PER_API", CallLimits.DEFAULT_PER_API, 1, 1_000_000),
        env.integer("KEYGATE_MAX_CALLS_PER_BACKEND", CallLimits.DEFAULT_PER_BACKEND, 1, 1_000_000),
        env.integer("KEYGATE_HSM_THREADS", HsmLane.DEFAULT_THREADS, 1, 256),
        env.integer("KEYGATE_HSM_QUEUE", HsmLane.DEFAULT_QUEUE, 1, 1_000_000),
        env.integer("KEYGATE_EVENT_LOOPS", TransportLoops.defaultCount(), 1, 256),
        // Microseconds: the ISO form of 200 µs (PT0.0002S) would invite mistakes. 0: never.
        Duration.ofNanos(1_000L * env.integer("KEYGATE_HSM_ON_LOOP_UNDER_MICROS",
            (int) (CallLimits.DEFAULT_HSM_ON_LOOP_UNDER.toNanos() / 1_000), 0, 1_000_000)));
  }

  private static KeyHierarchySettings keys(EnvironmentReader env) throws SettingsException {
    return new KeyHierarchySettings(kek(env, "KEYGATE_KEK"), env.integer("KEYGATE_KEY_CACHE",
        KeyHierarchySettings.DEFAULT_CACHE_KEYS, 1, 10_000_000), kek(env, "KEYGATE_PAYLOAD_KEK"));
  }

  private static Optional<KekId> kek(EnvironmentReader env, String name) throws SettingsException {
    if (!env.has(name)) {
      return Optional.empty();
    }
    String id = env.required(name);
    if (!KekId.isValid(id)) {
      throw new SettingsException(name, "a KEK id is 1-32 characters of a-z 0-9 and '-'");
    }
    return Optional.of(KekId.of(id));
  }

  /** A file to append to: not a directory (caught here, not at the first admin call). */
  private static Path auditHeadFile(EnvironmentReader env, Path dataDir) throws SettingsException {
    Path file = env.path("KEYGATE_AUDIT_HEAD_FILE", dataDir.resolve(AUDIT_HEAD_FILE).toString());
    if (java.nio.file.Files.isDirectory(file)) {
      throw new SettingsException("KEYGATE_AUDIT_HEAD_FILE", "names a directory, not a file");
    }
    return file;
  }

  private static boolean isLoopback(java.net.InetSocketAddress address) {
    return address.getAddress() != null && address.getAddress().isLoopbackAddress();
  }

  private static AdminPlaneSettings admin(EnvironmentReader env, KeyLabel gatewayTlsKey)
      throws SettingsException {
    AdminServerSettings server =
        new AdminServerSettings(
            env.requiredAddress("KEYGATE_ADMIN_LISTEN"),
            label(env, "KEYGATE_ADMIN_TLS_KEY", gatewayTlsKey.value()),
            env.certificates("KEYGATE_ADMIN_CA_FILE"));
    Optional<IdentityMatch> firstOfficer = Optional.empty();
    if (env.has("KEYGATE_FIRST_OFFICER_SHA256")) {
      try {
        firstOfficer = Optional.of(IdentityMatch.sha256(env.required("KEYGATE_FIRST_OFFICER_SHA256")));
      } catch (IllegalArgumentException e) {
        throw new SettingsException(
            "KEYGATE_FIRST_OFFICER_SHA256", "expected a certificate's SHA-256 (64 hex digits)");
      }
    }
    return new AdminPlaneSettings(
        server,
        firstOfficer,
        env.integer("KEYGATE_APPROVALS_REQUIRED", 2, 2, 10),
        env.duration("KEYGATE_APPROVAL_TTL", Duration.ofHours(24)));
  }

  static KeyLabel label(EnvironmentReader env, String name, String defaultValue)
      throws SettingsException {
    try {
      return KeyLabel.of(env.string(name, defaultValue));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(name, "not a valid key label");
    }
  }
}
