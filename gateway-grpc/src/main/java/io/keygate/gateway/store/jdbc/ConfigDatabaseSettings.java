package io.keygate.gateway.store.jdbc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * Where the config database is and how to log in. The password is a {@code char[]} that never
 * appears in {@link #toString()}, nor does anything after a '?' or ';' in the URL (drivers accept
 * passwords there too).
 *
 * <p>From the environment ({@link #fromEnvironment}): {@code KEYGATE_DB_URL} (default: embedded H2
 * under the data directory), {@code KEYGATE_DB_USER}, and the password from the file named by
 * {@code KEYGATE_DB_PASSWORD_FILE} (preferred: environments leak into process listings and crash
 * reports) or from {@code KEYGATE_DB_PASSWORD}.
 */
public final class ConfigDatabaseSettings {
  public static final String URL_VARIABLE = "KEYGATE_DB_URL";
  public static final String USER_VARIABLE = "KEYGATE_DB_USER";
  public static final String PASSWORD_VARIABLE = "KEYGATE_DB_PASSWORD";
  public static final String PASSWORD_FILE_VARIABLE = "KEYGATE_DB_PASSWORD_FILE";

  static final int DEFAULT_POOL_SIZE = 4;
  static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private final String jdbcUrl;
  private final String user;
  private final char[] password;
  private final int maxPoolSize;
  private final Duration connectTimeout;

  private ConfigDatabaseSettings(
      String jdbcUrl, String user, char[] password, int maxPoolSize, Duration connectTimeout) {
    if (!Objects.requireNonNull(jdbcUrl, "jdbcUrl").startsWith("jdbc:")) {
      throw new IllegalArgumentException("not a JDBC URL: " + redact(jdbcUrl));
    }
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("maxPoolSize must be at least 1");
    }
    this.jdbcUrl = jdbcUrl;
    this.user = user == null ? "" : user;
    this.password = password == null ? new char[0] : password.clone();
    this.maxPoolSize = maxPoolSize;
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
  }

  /** A server database, e.g. {@code jdbc:mariadb://db:3306/keygate}. The password is copied. */
  public static ConfigDatabaseSettings of(String jdbcUrl, String user, char[] password) {
    return new ConfigDatabaseSettings(
        jdbcUrl, user, password, DEFAULT_POOL_SIZE, DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * The default: an embedded H2 database in {@code <dataDir>/keygate.mv.db}. One process at a time
   * (H2 locks the file), so only for a single gateway node.
   */
  public static ConfigDatabaseSettings embeddedH2(Path dataDir) {
    return of(h2Url(dataDir), "keygate", new char[0]);
  }

  static String h2Url(Path dataDir) {
    // DB_CLOSE_ON_EXIT=FALSE: we close the pool ourselves; H2's shutdown hook would otherwise
    // close the database under it. LOCK_TIMEOUT: writers queue on the version row.
    return "jdbc:h2:file:"
        + dataDir.toAbsolutePath().resolve("keygate")
        + ";DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000";
  }

  /**
   * Reads the variables described in the class comment from {@code env} (pass
   * {@code System.getenv()}).
   *
   * @throws IllegalArgumentException if the password file cannot be read (the message names the
   *     file, never its content)
   */
  public static ConfigDatabaseSettings fromEnvironment(Map<String, String> env, Path dataDir) {
    String url = env.get(URL_VARIABLE);
    if (url == null || url.isBlank()) {
      return embeddedH2(dataDir);
    }
    char[] password = passwordFrom(env);
    try {
      return of(url, env.getOrDefault(USER_VARIABLE, ""), password);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static char[] passwordFrom(Map<String, String> env) {
    String file = env.get(PASSWORD_FILE_VARIABLE);
    if (file != null && !file.isBlank()) {
      try {
        String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        return content.strip().toCharArray();
      } catch (IOException e) {
        throw new IllegalArgumentException(
            "cannot read the database password file named by " + PASSWORD_FILE_VARIABLE + ": " + file,
            e);
      }
    }
    String value = env.get(PASSWORD_VARIABLE);
    return value == null ? new char[0] : value.toCharArray();
  }

  public ConfigDatabaseSettings withMaxPoolSize(int size) {
    return new ConfigDatabaseSettings(jdbcUrl, user, password, size, connectTimeout);
  }

  /** How long to wait for a pooled connection before the call fails (and a poll counts stale). */
  public ConfigDatabaseSettings withConnectTimeout(Duration timeout) {
    return new ConfigDatabaseSettings(jdbcUrl, user, password, maxPoolSize, timeout);
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String user() {
    return user;
  }

  /** A copy; clear it after use. */
  char[] password() {
    return password.clone();
  }

  public int maxPoolSize() {
    return maxPoolSize;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** The URL without parameters, safe to log. */
  public String redactedUrl() {
    return redact(jdbcUrl);
  }

  private static String redact(String url) {
    int cut = url.length();
    for (char c : new char[] {'?', ';'}) {
      int i = url.indexOf(c);
      if (i >= 0) {
        cut = Math.min(cut, i);
      }
    }
    return cut == url.length() ? url : url.substring(0, cut) + " (parameters redacted)";
  }

  @Override
  public String toString() {
    return "ConfigDatabaseSettings{url="
        + redactedUrl()
        + ", user="
        + user
        + ", password="
        + (password.length == 0 ? "<none>" : "<redacted>")
        + ", maxPoolSize="
        + maxPoolSize
        + "}";
  }
}
