package io.keygate.gateway.node;

import io.keygate.gateway.attestation.AttestationKeys;
import io.keygate.gateway.accesslog.AccessLogSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The settings only a node process reads (GatewayMain), beside {@link NodeSettings}: where it
 * publishes metrics, its access log, the keys that attest calls to backends, how long it waits for
 * a lost token, and how long it drains at SIGTERM. In-process nodes get the same through {@link
 * NodeBuilder}. Each reads the environment (or a config file's values) and names the variable in
 * its {@link SettingsException}.
 */
public final class ProcessSettings {
  private ProcessSettings() {}

  /**
   * Where the node serves its metrics in Prometheus' format ({@code KEYGATE_METRICS_LISTEN},
   * {@code host:port}); none when unset. Kept out of the settings record: only a node process
   * (GatewayMain) publishes metrics, in-process nodes read theirs through the builder.
   *
   * @throws SettingsException if the value is not an address
   */
  public static Optional<InetSocketAddress> metricsListen(Map<String, String> environment)
      throws SettingsException {
    EnvironmentReader env = new EnvironmentReader(environment);
    return env.has("KEYGATE_METRICS_LISTEN")
        ? Optional.of(env.requiredAddress("KEYGATE_METRICS_LISTEN"))
        : Optional.empty();
  }

  /**
   * The access log ({@code KEYGATE_ACCESS_LOG}: {@code off}, the default, {@code stdout}, or a
   * file to append to) and how many refusal lines a second it writes at most ({@code
   * KEYGATE_ACCESS_LOG_REFUSALS_PER_SECOND}, 0 to 1 000 000, default 100). Kept out of the
   * settings record like the metrics' address: in-process nodes get theirs through the builder.
   *
   * @throws SettingsException if a value is malformed (a directory, a blank path, a bad number)
   */
  public static AccessLogSettings accessLog(Map<String, String> environment)
      throws SettingsException {
    EnvironmentReader env = new EnvironmentReader(environment);
    int perSecond = env.integer("KEYGATE_ACCESS_LOG_REFUSALS_PER_SECOND",
        AccessLogSettings.DEFAULT_REFUSALS_PER_SECOND, 0, 1_000_000);
    String where = env.string("KEYGATE_ACCESS_LOG", "off");
    if (where.equals("off")) {
      return AccessLogSettings.off();
    }
    if (where.equals("stdout")) {
      return AccessLogSettings.stdout(perSecond);
    }
    Path file = env.path("KEYGATE_ACCESS_LOG", where);
    if (Files.isDirectory(file)) {
      throw new SettingsException("KEYGATE_ACCESS_LOG",
          "names a directory; expected off, stdout or a file to append to");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new SettingsException("KEYGATE_ACCESS_LOG",
          "the directory of the file it names does not exist");
    }
    return AccessLogSettings.file(file, perSecond);
  }

  /**
   * The token's keys that attest authenticated calls to their backends (docs/backend-attestation.md):
   * {@code KEYGATE_BACKEND_ATTESTATION_KEY}, the EC P-256 key for every backend, and {@code
   * KEYGATE_BACKEND_ATTESTATION_HMAC}, {@code target=label} pairs separated by {@code ;} giving a
   * backend its own HMAC key instead; none when both are unset. GatewayMain hands them to the
   * builder.
   *
   * @throws SettingsException if a value is not a key label, or a pair not a target and a label
   */
  public static AttestationKeys backendAttestation(Map<String, String> environment)
      throws SettingsException {
    EnvironmentReader env = new EnvironmentReader(environment);
    AttestationKeys keys = AttestationKeys.NONE;
    if (env.has("KEYGATE_BACKEND_ATTESTATION_KEY")) {
      keys = keys.withEcdsa(NodeSettings.label(env, "KEYGATE_BACKEND_ATTESTATION_KEY", null));
    }
    if (env.has("KEYGATE_BACKEND_ATTESTATION_HMAC")) {
      try {
        keys = keys.withHmac(AttestationKeys.parseHmac(environment.get("KEYGATE_BACKEND_ATTESTATION_HMAC")));
      } catch (IllegalArgumentException e) {
        throw new SettingsException("KEYGATE_BACKEND_ATTESTATION_HMAC", e.getMessage());
      }
    }
    return keys;
  }

  /** How long the token may stay unavailable before GatewayMain gives up on it and exits 3. */
  public static final Duration DEFAULT_HSM_EXIT_AFTER = Duration.ofSeconds(15);

  /**
   * How long a node process lets its token stay unavailable before it exits 3 for its supervisor
   * to restart it ({@code KEYGATE_HSM_EXIT_AFTER}, ISO-8601, 1 s to 1 h; default 15 s).
   *
   * @throws SettingsException if the value is not such a duration
   */
  public static Duration hsmExitAfter(Map<String, String> environment) throws SettingsException {
    Duration after = new EnvironmentReader(environment)
        .duration("KEYGATE_HSM_EXIT_AFTER", DEFAULT_HSM_EXIT_AFTER);
    if (after.compareTo(Duration.ofSeconds(1)) < 0 || after.compareTo(Duration.ofHours(1)) > 0) {
      throw new SettingsException("KEYGATE_HSM_EXIT_AFTER", "expected 1 second to 1 hour");
    }
    return after;
  }

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(5);

  /**
   * How long a node process stopped by SIGTERM lets its open calls finish, having stopped
   * accepting connections, before it cancels the rest ({@code KEYGATE_DRAIN_TIMEOUT}, ISO-8601,
   * positive, up to 10 min; default 5 s). Longer than the longest unary call; long-lived streams are cut
   * at it.
   *
   * @throws SettingsException if the value is not such a duration
   */
  public static Duration drainTimeout(Map<String, String> environment) throws SettingsException {
    Duration drain = new EnvironmentReader(environment)
        .duration("KEYGATE_DRAIN_TIMEOUT", DEFAULT_DRAIN_TIMEOUT);
    if (drain.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new SettingsException("KEYGATE_DRAIN_TIMEOUT", "expected at most 10 minutes");
    }
    return drain;
  }

}
