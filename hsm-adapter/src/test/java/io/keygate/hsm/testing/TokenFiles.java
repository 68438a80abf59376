package io.keygate.hsm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/** Files token fixtures write and delete: PIN files, configs, token directories. */
final class TokenFiles {
  private TokenFiles() {}

  static String randomPin(SecureRandom random) {
    byte[] b = new byte[12];
    random.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  static Path writePrivate(Path file, String content) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, content + "\n");
    return file;
  }

  /** The value of {@code key = value} in a SunPKCS11 config. */
  static String configValue(Path config, String key) throws IOException {
    return Files.readAllLines(config).stream()
        .filter(l -> l.matches("\\s*" + key + "\\s*=.*"))
        .map(l -> l.substring(l.indexOf('=') + 1).trim())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no '" + key + "' in " + config));
  }

  static void deleteRecursively(Path root) throws IOException {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Deletes everything below {@code root}, keeping {@code root} itself. */
  static void deleteContents(Path root) throws IOException {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(root)) {
          Files.delete(p);
        }
      }
    }
  }
}
