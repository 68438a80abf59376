package io.keygate.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.stream.Stream;

/**
 * The directory {@code keygate init} fills: where each file goes, and the two it writes itself,
 * the PIN files and the config file. The directory is owner-only (0700), the PIN files 0600.
 */
record NodeDirectory(Path dir) {
  static final String CONFIG = "keygate.conf";

  NodeDirectory {
    dir = dir.toAbsolutePath().normalize();
  }

  Path softhsmConf() {
    return dir.resolve("softhsm2.conf");
  }

  Path hsmConfig(String tokenLabel) {
    return dir.resolve(tokenLabel + ".sunpkcs11.cfg");
  }

  Path soPin() {
    return dir.resolve("so.pin");
  }

  Path userPin() {
    return dir.resolve("user.pin");
  }

  Path serverCertificate() {
    return dir.resolve("server.pem");
  }

  Path adminCa() {
    return dir.resolve("admin-ca.pem");
  }

  Path officerCertificate(String name) {
    return dir.resolve(name + ".pem");
  }

  Path officerKey(String name) {
    return dir.resolve(name + ".key");
  }

  Path config() {
    return dir.resolve(CONFIG);
  }

  Path data() {
    return dir.resolve("data");
  }

  /** Absent, or an empty directory: the only places init writes to. */
  boolean isFresh() throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    }
  }

  void create() throws IOException {
    if (Files.exists(dir)) {
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } else {
      Files.createDirectories(dir,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
  }

  /**
   * A new random PIN in a new 0600 file (created with that mode, never wider for a moment). 144
   * bits, base64url: SoftHSM takes 4 to 255 characters.
   */
  static void writePin(Path file, SecureRandom random) throws IOException {
    byte[] bytes = new byte[18];
    random.nextBytes(bytes);
    byte[] pin = (Base64.getUrlEncoder().withoutPadding().encodeToString(bytes) + "\n")
        .getBytes(StandardCharsets.US_ASCII);
    try {
      if (Files.exists(file)) {
        throw new FileAlreadyExistsException(file.toString());
      }
      Files.write(Files.createFile(file,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), pin);
    } finally {
      java.util.Arrays.fill(bytes, (byte) 0);
      java.util.Arrays.fill(pin, (byte) 0);
    }
  }

  /** Everything in the directory, the directory left (it may have existed, empty, before). */
  void empty() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
        if (!p.equals(dir)) {
          Files.delete(p);
        }
      }
    }
  }
}
