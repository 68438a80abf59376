package io.keygate.gateway.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * An append-only file of signed heads, one {@link ExportedHead} line each, written with {@code
 * O_APPEND} and forced to disk before {@link #export} returns: an admin call is only answered once
 * the head covering its record is on disk outside the database. Put it on another volume than the
 * database, mark it append-only ({@code chattr +a}) or ship it (docs/audit.md). One file per node:
 * two processes appending to one file could interleave their seqs.
 */
public final class AuditHeadFile implements AuditHeadSink, AutoCloseable {
  private final Path path;
  private final FileChannel channel;

  private AuditHeadFile(Path path, FileChannel channel) {
    this.path = path;
    this.channel = channel;
  }

  /**
   * Opens (creating it owner-only if missing) the file for appending.
   *
   * @throws AuditException if it cannot be created or opened for appending
   */
  public static AuditHeadFile open(Path path) throws AuditException {
    Objects.requireNonNull(path, "path");
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      FileAttribute<?>[] ownerOnly =
          FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
              ? new FileAttribute<?>[] {
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))
              }
              : new FileAttribute<?>[0];
      FileChannel channel =
          FileChannel.open(
              path,
              java.util.Set.of(
                  StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND),
              ownerOnly);
      return new AuditHeadFile(path, channel);
    } catch (IOException | UnsupportedOperationException e) {
      throw new AuditException("cannot open the audit head file " + path + ": " + e, e);
    }
  }

  @Override
  public synchronized void export(SignedHead head) throws AuditException {
    ByteBuffer line =
        ByteBuffer.wrap((ExportedHead.format(head) + "\n").getBytes(StandardCharsets.US_ASCII));
    try {
      while (line.hasRemaining()) {
        channel.write(line);
      }
      // Metadata too: a new file's size must survive a crash, or the line would be lost with it.
      channel.force(true);
    } catch (IOException e) {
      throw new AuditException(
          "cannot export audit head " + head.seq() + " to " + path + ": " + e, e);
    }
  }

  @Override
  public Stream<String> lines() throws AuditException {
    try {
      return Files.lines(path, StandardCharsets.US_ASCII);
    } catch (IOException | UncheckedIOException e) {
      throw new AuditException("cannot read the audit head file " + path + ": " + e, e);
    }
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
