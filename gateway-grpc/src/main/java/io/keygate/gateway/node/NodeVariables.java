package io.keygate.gateway.node;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The names of every {@code KEYGATE_*} variable a node reads (docs/operations.md, "Running a
 * gateway node"), and their spelling in a config file: lower case, without the prefix ({@code
 * KEYGATE_LISTEN} is {@code listen}). NodeVariablesTest keeps this list, the sources and the
 * documentation's table equal.
 */
public final class NodeVariables {
  static final String PREFIX = "KEYGATE_";

  /** Read by the node (NodeSettings, ConfigDatabaseSettings, GatewayMain). */
  static final Set<String> NODE = Set.of(
      "KEYGATE_HSM_CONFIG", "KEYGATE_HSM_PIN_FILE", "KEYGATE_HSM_PIN", "KEYGATE_TLS_KEY",
      "KEYGATE_LISTEN", "KEYGATE_CLIENT_CA_FILE", "KEYGATE_PLAINTEXT_DEV",
      "KEYGATE_PLAINTEXT_DEV_ALLOW_REMOTE", "KEYGATE_DATA_DIR", "KEYGATE_DB_URL", "KEYGATE_DB_USER",
      "KEYGATE_DB_PASSWORD", "KEYGATE_DB_PASSWORD_FILE", "KEYGATE_NONCE_CAPACITY",
      "KEYGATE_NONCES_PER_KEY", "KEYGATE_NONCES_PER_TENANT", "KEYGATE_NONCE_STORE",
      "KEYGATE_REDIS_URI", "KEYGATE_REDIS_PASSWORD_FILE", "KEYGATE_REDIS_TIMEOUT_MS",
      "KEYGATE_PREAUTH_MAX_MESSAGE_BYTES", "KEYGATE_FIRST_MESSAGE_TIMEOUT",
      "KEYGATE_PREAUTH_MAX_CALLS", "KEYGATE_PREAUTH_NODE_BYTES",
      "KEYGATE_MAX_CALLS_PER_CONNECTION", "KEYGATE_HSM_THREADS", "KEYGATE_HSM_QUEUE",
      "KEYGATE_EVENT_LOOPS", "KEYGATE_HSM_ON_LOOP_UNDER_MICROS",
      "KEYGATE_KEK", "KEYGATE_PAYLOAD_KEK", "KEYGATE_HSM_EXIT_AFTER",
      "KEYGATE_BACKEND_ATTESTATION_KEY", "KEYGATE_BACKEND_ATTESTATION_HMAC",
      "KEYGATE_DRAIN_TIMEOUT", "KEYGATE_METRICS_LISTEN", "KEYGATE_ACCESS_LOG",
      "KEYGATE_ACCESS_LOG_REFUSALS_PER_SECOND", "KEYGATE_KEY_CACHE", "KEYGATE_MAX_CALLS_PER_KEY",
      "KEYGATE_MAX_CALLS_PER_API", "KEYGATE_MAX_CALLS_PER_BACKEND", "KEYGATE_ADMIN_LISTEN",
      "KEYGATE_ADMIN_CA_FILE", "KEYGATE_ADMIN_TLS_KEY", "KEYGATE_FIRST_OFFICER_SHA256",
      "KEYGATE_APPROVALS_REQUIRED", "KEYGATE_AUDIT_HEAD_FILE", "KEYGATE_APPROVAL_TTL");

  /**
   * Read before the node starts, by the script that sizes its heap (bin/keygate-jvm-options):
   * accepted in a config file so one file describes the node, ignored by the node itself.
   */
  static final Set<String> LAUNCHER = Set.of("KEYGATE_EXPECTED_CREDENTIALS");

  /**
   * Secrets themselves: only ever from the environment. A config file is read by more people and
   * tools than a PIN file; it names the file that holds the secret instead.
   */
  static final Set<String> SECRETS = Set.of("KEYGATE_HSM_PIN", "KEYGATE_DB_PASSWORD");

  private NodeVariables() {}

  /** The variable a config file's key stands for, if it is one. */
  static Optional<String> forKey(String key) {
    if (!key.equals(key.toLowerCase(Locale.ROOT)) || key.startsWith("keygate_")) {
      return Optional.empty();
    }
    String variable = PREFIX + key.toUpperCase(Locale.ROOT);
    return NODE.contains(variable) || LAUNCHER.contains(variable)
        ? Optional.of(variable)
        : Optional.empty();
  }

  /** A variable's spelling in a config file. */
  static String key(String variable) {
    return variable.substring(PREFIX.length()).toLowerCase(Locale.ROOT);
  }
}
