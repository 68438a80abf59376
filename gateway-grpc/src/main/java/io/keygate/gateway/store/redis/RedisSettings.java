package io.keygate.gateway.store.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the shared nonce store is: one Redis server ({@code redis://host:port[/db]}, or
 * {@code rediss://} for TLS, verified against the JVM's trust store), an optional user and a
 * password file, and how long any one step (connect, command, waiting for a pooled connection)
 * may take before the store fails closed. Holds no password: only the file it is read from when
 * the store opens, so printing the settings prints no secret.
 *
 * @param user the ACL user, empty for the default user
 * @param passwordFile a file holding the password (one line), read when the store opens
 * @param timeout the bound on connecting, on each command and on waiting for a pooled connection
 */
public record RedisSettings(
    String host,
    int port,
    int database,
    boolean tls,
    Optional<String> user,
    Optional<Path> passwordFile,
    Duration timeout) {

  public static final int DEFAULT_PORT = 6379;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(250);
  private static final int MAX_DATABASE = 1_000;

  public RedisSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(passwordFile, "passwordFile");
    Objects.requireNonNull(timeout, "timeout");
    if (host.isEmpty() || port < 1 || port > 65_535 || database < 0 || database > MAX_DATABASE) {
      throw new IllegalArgumentException("expected redis://host:port[/db] or rediss://host:port[/db]");
    }
    if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the timeout must be positive");
    }
  }

  /**
   * Reads {@code redis://[user@]host[:port][/db]} (or {@code rediss://}). A password in the URI is
   * refused: it would sit in the environment and in every printout of the URI.
   *
   * @throws IllegalArgumentException with a fixed text that does not repeat the URI
   */
  public static RedisSettings parse(String uri, Optional<Path> passwordFile, Duration timeout) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("expected redis://host:port[/db] or rediss://host:port[/db]");
    }
    String scheme = parsed.getScheme();
    if (!"redis".equals(scheme) && !"rediss".equals(scheme) || parsed.getHost() == null
        || parsed.getQuery() != null || parsed.getFragment() != null) {
      throw new IllegalArgumentException("expected redis://host:port[/db] or rediss://host:port[/db]");
    }
    Optional<String> user = Optional.ofNullable(parsed.getRawUserInfo());
    if (user.isPresent() && (user.get().contains(":") || user.get().isEmpty())) {
      throw new IllegalArgumentException(
          "holds a password: name a file in KEYGATE_REDIS_PASSWORD_FILE instead");
    }
    String host = parsed.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // an IPv6 address, as Jedis takes it
    }
    return new RedisSettings(host, parsed.getPort() < 0 ? DEFAULT_PORT : parsed.getPort(),
        database(parsed.getPath()), "rediss".equals(scheme), user, passwordFile, timeout);
  }

  private static int database(String path) {
    if (path == null || path.isEmpty() || path.equals("/")) {
      return 0;
    }
    String digits = path.substring(1);
    if (digits.length() > 4 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("expected a database number after the port: /0 to /"
          + MAX_DATABASE);
    }
    return Integer.parseInt(digits);
  }

  /** Where the store is and how it authenticates, never with what. */
  @Override
  public String toString() {
    return (tls ? "rediss://" : "redis://") + user.map(u -> u + "@").orElse("") + host + ":" + port
        + "/" + database + " (" + passwordFile.map(f -> "password file " + f).orElse("no password")
        + ", timeout " + timeout.toMillis() + " ms)";
  }
}
