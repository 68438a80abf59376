package io.keygate.gateway.store.jdbc;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The directory an embedded H2 database lives in, owner-only (0700). H2 creates its files with
 * the process umask (0644 was seen): the config store and the audit chain would be readable by
 * every local user. Java cannot set the umask, so the directory is the boundary: created 0700,
 * or tightened to 0700 if it already exists with group or other access.
 */
final class EmbeddedDirectory {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.store");
  private static final String H2_FILE = "jdbc:h2:file:";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

  private EmbeddedDirectory() {}

  /** The directory of an embedded H2 file URL; empty for any other database. */
  static Optional<Path> of(String jdbcUrl) {
    if (!jdbcUrl.startsWith(H2_FILE)) {
      return Optional.empty();
    }
    String file = jdbcUrl.substring(H2_FILE.length());
    int options = file.indexOf(';');
    Path database = Path.of(options < 0 ? file : file.substring(0, options)).toAbsolutePath();
    return Optional.ofNullable(database.getParent());
  }

  /** Creates {@code dir} owner-only, or takes group and other access away from it. */
  static void secure(Path dir) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return; // not a POSIX file system: nothing to set
    }
    if (Files.notExists(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      Files.setPosixFilePermissions(dir, OWNER_ONLY); // createDirectories honours the umask too
      return;
    }
    if (!Files.getPosixFilePermissions(dir).equals(OWNER_ONLY)) {
      LOG.log(Level.WARNING, "data directory {0} was accessible to others; setting it to 0700", dir);
      Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }
  }
}
