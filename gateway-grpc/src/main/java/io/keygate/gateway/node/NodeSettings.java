package io.keygate.gateway.node;

import io.keygate.gateway.admin.access.IdentityMatch;
import io.keygate.gateway.admin.api.AdminServerSettings;
import io.keygate.gateway.dataplane.GatewaySettings;
import io.keygate.gateway.store.jdbc.ConfigDatabaseSettings;
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
 * @param admin the admin API, when KEYGATE_ADMIN_LISTEN enables it
 * @param auditHeadFile the append-only file every signed audit head is exported to, outside the
 *     database (KEYGATE_AUDIT_HEAD_FILE; by default {@value #AUDIT_HEAD_FILE} in the data directory)
 */
public record NodeSettings(
    Optional<Path> hsmConfig,
    Optional<PinSource> pin,
    GatewaySettings gateway,
    ConfigDatabaseSettings database,
    int nonceCapacity,
    Optional<AdminPlaneSettings> admin,
    Path auditHeadFile) {

  public static final int DEFAULT_NONCE_CAPACITY = 1_000_000;
  public static final String AUDIT_HEAD_FILE = "audit-heads.log";

  /** A node on a token the caller opens, with an embedded H2 store under {@code dataDir}. */
  public static NodeSettings local(GatewaySettings gateway, Path dataDir) {
    return new NodeSettings(Optional.empty(), Optional.empty(), gateway,
        ConfigDatabaseSettings.embeddedH2(dataDir), DEFAULT_NONCE_CAPACITY, Optional.empty(),
        dataDir.resolve(AUDIT_HEAD_FILE));
  }

  public NodeSettings withAdmin(AdminPlaneSettings adminPlane) {
    return new NodeSettings(hsmConfig, pin, gateway, database, nonceCapacity, Optional.of(adminPlane),
        auditHeadFile);
  }

  public NodeSettings withNonceCapacity(int capacity) {
    return new NodeSettings(hsmConfig, pin, gateway, database, capacity, admin, auditHeadFile);
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
    GatewaySettings defaults =
        GatewaySettings.defaults(env.address("KEYGATE_LISTEN", "0.0.0.0:8443"), tlsKey);
    GatewaySettings gateway =
        new GatewaySettings(
            defaults.listen(),
            tlsKey,
            env.has("KEYGATE_CLIENT_CA_FILE")
                ? env.certificates("KEYGATE_CLIENT_CA_FILE")
                : defaults.clientCas(),
            env.bool("KEYGATE_PLAINTEXT_DEV"),
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
    Optional<AdminPlaneSettings> admin =
        env.has("KEYGATE_ADMIN_LISTEN") ? Optional.of(admin(env, tlsKey)) : Optional.empty();
    return new NodeSettings(Optional.of(hsmConfig), Optional.of(pin), gateway, database,
        nonceCapacity, admin, auditHeadFile(env, dataDir));
  }

  /** A file to append to: not a directory (caught here, not at the first admin call). */
  private static Path auditHeadFile(EnvironmentReader env, Path dataDir) throws SettingsException {
    Path file = env.path("KEYGATE_AUDIT_HEAD_FILE", dataDir.resolve(AUDIT_HEAD_FILE).toString());
    if (java.nio.file.Files.isDirectory(file)) {
      throw new SettingsException("KEYGATE_AUDIT_HEAD_FILE", "names a directory, not a file");
    }
    return file;
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

  private static KeyLabel label(EnvironmentReader env, String name, String defaultValue)
      throws SettingsException {
    try {
      return KeyLabel.of(env.string(name, defaultValue));
    } catch (IllegalArgumentException e) {
      throw new SettingsException(name, "not a valid key label");
    }
  }
}
