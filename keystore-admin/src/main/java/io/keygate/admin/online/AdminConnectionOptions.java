package io.keygate.admin.online;

import io.keygate.admin.cli.AdminException;
import io.keygate.admin.cli.CliEnvironment;
import io.keygate.admin.cli.ExitCode;
import io.keygate.admin.command.DurationConverter;
import io.keygate.admin.remote.AdminEndpoint;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * How to reach the gateway's admin API: its address and the officer's mTLS credentials, as PEM
 * files. Each falls back to an environment variable so an officer sets them once per shell. The
 * private key is a file, never an option value.
 */
public final class AdminConnectionOptions {
  static final String SERVER_VARIABLE = "KEYGATE_ADMIN_SERVER";
  static final String CERT_VARIABLE = "KEYGATE_ADMIN_CERT";
  static final String KEY_VARIABLE = "KEYGATE_ADMIN_KEY";
  static final String CA_VARIABLE = "KEYGATE_ADMIN_CA";

  @Option(
      names = "--server",
      paramLabel = "HOST:PORT",
      description = "the gateway's admin API (default: $" + SERVER_VARIABLE + ")")
  String server;

  @Option(
      names = "--cert",
      paramLabel = "FILE",
      description = "your client certificate, PEM (default: $" + CERT_VARIABLE + ")")
  Path cert;

  @Option(
      names = "--key",
      paramLabel = "FILE",
      description = "your private key, PEM PKCS#8, 0600 (default: $" + KEY_VARIABLE + ")")
  Path key;

  @Option(
      names = "--ca",
      paramLabel = "FILE",
      description =
          "CA certificate(s) that issued the admin API's certificate, PEM"
              + " (default: $"
              + CA_VARIABLE
              + ")")
  Path ca;

  @Option(
      names = "--timeout",
      defaultValue = "30s",
      converter = DurationConverter.class,
      paramLabel = "DURATION",
      description = "deadline of the call (default: ${DEFAULT-VALUE})")
  Duration timeout;

  AdminEndpoint endpoint(CliEnvironment env) throws AdminException {
    String target = server != null ? server : env.variable(SERVER_VARIABLE).orElse(null);
    if (target == null || target.isBlank()) {
      throw new AdminException(
          ExitCode.USAGE, "no admin server: use --server HOST:PORT or set " + SERVER_VARIABLE);
    }
    return new AdminEndpoint(
        target,
        file(cert, CERT_VARIABLE, env),
        file(key, KEY_VARIABLE, env),
        file(ca, CA_VARIABLE, env));
  }

  Duration timeout() {
    return timeout;
  }

  private static Path file(Path given, String variable, CliEnvironment env) {
    return given != null ? given : env.variable(variable).map(Path::of).orElse(null);
  }
}
