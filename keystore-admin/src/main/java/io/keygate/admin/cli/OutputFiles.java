package io.keygate.admin.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files the CLI writes. They are never overwritten: a certificate or key that already exists may be
 * the only copy of something, so the officer removes it deliberately.
 */
public final class OutputFiles {
  private OutputFiles() {}

  /**
   * Fails before any HSM work if an output file is already there, so a refused write never leaves a
   * key in the token whose certificate went nowhere.
   */
  public static void requireAbsent(Path... files) throws IOException {
    for (Path file : files) {
      if (file != null && Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new java.nio.file.FileAlreadyExistsException(file.toString());
      }
    }
  }

  /** Creates {@code file} with mode 0600 before any byte is written (officer keys, secrets). */
  public static void createPrivate(Path file, byte[] content) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(file, content, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /** Creates {@code file} with the process's default mode (certificates, CSRs). */
  public static void createPublic(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }
}
