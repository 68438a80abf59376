package io.keygate.benchmarks.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One thing to drive: where to connect, the {@code :authority} to send (Keygate finds an API by
 * its host; the plain proxies ignore it), whether calls are signed and with which credentials,
 * the process whose CPU counts as the proxy's, and the backend process behind it (the same
 * process for the backend itself).
 *
 * <p>run.sh writes them to a file, one per line: {@code name host:port authority none|signature
 * pid backend-pid [credential-file]}, the credential file ({@link BenchCredential}) for signature
 * targets only; blank lines and lines starting with {@code #} are skipped.
 */
record Target(
    String name, String host, int port, String authority, boolean signed, long pid, long backendPid,
    Optional<Path> credentials) {
  private static final String FORMAT =
      "'name host:port authority none|signature pid backend-pid [credential-file]'";

  static List<Target> readAll(Path file) throws IOException {
    List<Target> targets = new ArrayList<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file)) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] f = trimmed.split("\\s+");
      String mode = f.length >= 6 ? f[3].toLowerCase(Locale.ROOT) : "";
      boolean signed = mode.equals("signature");
      int colon = f.length == (signed ? 7 : 6) ? f[1].lastIndexOf(':') : -1;
      if (colon < 1 || !(mode.equals("none") || signed)) {
        throw new IOException(file + ":" + lineNumber + ": expected " + FORMAT
            + " (the file for signature only), got '" + trimmed + "'");
      }
      try {
        targets.add(new Target(f[0], f[1].substring(0, colon), Integer.parseInt(f[1].substring(colon + 1)),
            f[2], signed, Long.parseLong(f[4]), Long.parseLong(f[5]),
            signed ? Optional.of(Path.of(f[6])) : Optional.empty()));
      } catch (NumberFormatException e) {
        throw new IOException(file + ":" + lineNumber + ": port and pids must be numbers", e);
      }
    }
    return targets;
  }
}
