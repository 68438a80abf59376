package io.keygate.gateway.accesslog;

import io.keygate.gateway.dataplane.CallOutcomes;
import io.keygate.gateway.dataplane.EndedCall;
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The access log: one JSON line per call ({@link AccessLogLine}), written by one thread of its own
 * so the event loops never wait for a disk or a pipe. On the event loop a call's end costs a
 * bounded queue's {@code offer}: when the queue is full the line is dropped and counted, never
 * waited for. Calls that reached a backend are always offered; calls refused before are offered
 * within a {@link RefusalBudget}, and the writer sums up the ones left out in one line a second,
 * so a refusal flood cannot flood the log.
 */
public final class AccessLog implements CallOutcomes, AutoCloseable {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.accesslog");
  static final Duration SUMMARY_INTERVAL = Duration.ofSeconds(1);
  private static final int FLUSH_BYTES = 32 * 1024;
  /** Tells the writer to finish; never a call. */
  private static final EndedCall STOP =
      new EndedCall(0, "", "", null, null, null, null, false, io.grpc.Status.Code.OK, null, 0, 0, 0);

  private final BlockingQueue<EndedCall> queue;
  private final RefusalBudget refusals;
  private final OutputStream sink;
  private final boolean closeSink;
  private final Clock clock;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong suppressedPending = new AtomicLong();
  private final AtomicLong suppressedTotal = new AtomicLong();
  private final Thread writer;
  private volatile boolean stopping;

  /**
   * @param sink where lines go, whole lines per write
   * @param closeSink whether {@link #close} closes it (a file: yes; stdout: no)
   * @param clock the time of summary lines and when they are due
   * @param nanoTime the refusal budget's monotonic clock
   * @param threads makes the writer thread
   */
  AccessLog(OutputStream sink, boolean closeSink, int refusalsPerSecond, int queueLines,
      Clock clock, LongSupplier nanoTime, ThreadFactory threads) {
    this.sink = sink;
    this.closeSink = closeSink;
    this.clock = clock;
    this.queue = new ArrayBlockingQueue<>(queueLines);
    this.refusals = new RefusalBudget(refusalsPerSecond, nanoTime);
    this.writer = threads.newThread(this::write);
    writer.start();
  }

  /**
   * Opens the destination the settings name (a file is appended to, created if missing).
   *
   * @throws IOException if the file cannot be opened
   */
  public static AccessLog open(AccessLogSettings settings, Clock clock, LongSupplier nanoTime,
      ThreadFactory threads) throws IOException {
    if (!settings.enabled()) {
      throw new IllegalArgumentException("the access log is off");
    }
    OutputStream sink = settings.toStdout()
        ? System.out
        // Not Files.newOutputStream: an interrupted thread would close that channel.
        : new FileOutputStream(settings.file().get().toFile(), true);
    return new AccessLog(sink, !settings.toStdout(), settings.refusalsPerSecond(),
        settings.queueLines(), clock, nanoTime, threads);
  }

  @Override
  public void ended(EndedCall call) {
    if (!call.admitted() && !refusals.tryTake()) {
      suppressedPending.incrementAndGet();
      suppressedTotal.incrementAndGet();
      return;
    }
    if (stopping || !queue.offer(call)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped because the queue was full (since start). */
  public long dropped() {
    return dropped.get();
  }

  /** Refusal lines left out by the budget (since start); summed up in the log itself. */
  public long suppressed() {
    return suppressedTotal.get();
  }

  /** Lines waiting for the writer. */
  public int queued() {
    return queue.size();
  }

  /** Writes what is queued, then stops the writer (within a few seconds) and closes a file. */
  @Override
  public void close() {
    stopping = true;
    queue.offer(STOP); // a full queue: the writer sees stopping once it has drained it
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closeSink) {
      try {
        sink.close();
      } catch (IOException e) {
        LOG.log(Level.WARNING, "closing the access log failed: " + e.getMessage());
      }
    }
  }

  /** The writer thread's loop. */
  private void write() {
    ByteArrayOutputStream batch = new ByteArrayOutputStream(FLUSH_BYTES * 2);
    long nextSummary = clock.millis() + SUMMARY_INTERVAL.toMillis();
    try {
      while (true) {
        EndedCall call = queue.poll(SUMMARY_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        boolean done = call == STOP || (call == null && stopping);
        if (call != null && call != STOP) {
          line(batch, AccessLogLine.format(call));
        }
        long now = clock.millis();
        if (done || now >= nextSummary) {
          long left = suppressedPending.getAndSet(0);
          if (left > 0) {
            line(batch, AccessLogLine.suppressed(now, left));
          }
          nextSummary = now + SUMMARY_INTERVAL.toMillis();
        }
        if (done || batch.size() >= FLUSH_BYTES || queue.isEmpty()) {
          flush(batch);
        }
        if (done) {
          return;
        }
      }
    } catch (InterruptedException e) {
      flush(batch);
      Thread.currentThread().interrupt();
    }
  }

  private static void line(ByteArrayOutputStream batch, String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    batch.write(bytes, 0, bytes.length);
    batch.write('\n');
  }

  private void flush(ByteArrayOutputStream batch) {
    if (batch.size() == 0) {
      return;
    }
    try {
      batch.writeTo(sink);
      sink.flush();
    } catch (IOException e) {
      // A full disk must not stop the node; the lines are lost, and counted.
      dropped.incrementAndGet();
      LOG.log(Level.WARNING, "writing the access log failed: " + e.getMessage());
    }
    batch.reset();
  }
}
