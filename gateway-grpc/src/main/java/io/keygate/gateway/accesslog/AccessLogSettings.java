package io.keygate.gateway.accesslog;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the access log goes and how much of a refusal flood it writes.
 *
 * @param file the file lines are appended to; empty with {@code toStdout} or when off
 * @param toStdout lines go to the process' standard output
 * @param refusalsPerSecond at most this many lines a second for calls refused before reaching a
 *     backend (0: none); the rest are counted and summed up in one line a second
 * @param queueLines lines waiting for the writer thread; past it lines are dropped (and counted)
 */
public record AccessLogSettings(
    Optional<Path> file, boolean toStdout, int refusalsPerSecond, int queueLines) {
  public static final int DEFAULT_REFUSALS_PER_SECOND = 100;
  public static final int DEFAULT_QUEUE_LINES = 10_000;

  public AccessLogSettings {
    Objects.requireNonNull(file, "file");
    if (file.isPresent() && toStdout) {
      throw new IllegalArgumentException("one destination: a file or stdout");
    }
    if (refusalsPerSecond < 0 || queueLines < 1) {
      throw new IllegalArgumentException("refusalsPerSecond >= 0 and queueLines >= 1");
    }
  }

  /** No access log (the default). */
  public static AccessLogSettings off() {
    return new AccessLogSettings(Optional.empty(), false, DEFAULT_REFUSALS_PER_SECOND,
        DEFAULT_QUEUE_LINES);
  }

  public static AccessLogSettings stdout(int refusalsPerSecond) {
    return new AccessLogSettings(Optional.empty(), true, refusalsPerSecond, DEFAULT_QUEUE_LINES);
  }

  public static AccessLogSettings file(Path file, int refusalsPerSecond) {
    return new AccessLogSettings(Optional.of(file), false, refusalsPerSecond, DEFAULT_QUEUE_LINES);
  }

  public boolean enabled() {
    return toStdout || file.isPresent();
  }

  @Override
  public String toString() {
    return !enabled() ? "off"
        : (toStdout ? "stdout" : file.get().toString()) + ", at most " + refusalsPerSecond
            + " refusal lines a second";
  }
}
