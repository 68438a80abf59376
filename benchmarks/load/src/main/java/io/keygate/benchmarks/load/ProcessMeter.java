package io.keygate.benchmarks.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time, context switches and run-queue wait of a process and its descendants (nginx's and
 * nghttpx's workers are children of the process run.sh started), read from /proc:
 *
 * <ul>
 *   <li>CPU: utime + stime of /proc/PID/stat (fields 14 and 15, in clock ticks; they include every
 *       thread of the process, live or ended);
 *   <li>context switches: voluntary_ctxt_switches + nonvoluntary_ctxt_switches of
 *       /proc/PID/task/TID/status, per thread. Linux keeps no per-process total that survives a
 *       thread, and JVM thread pools start and end threads as load changes, so a difference of
 *       two sums would go wrong (even negative). A {@link Reading} keeps each thread's count; the
 *       difference adds, per thread, what it did since the first reading (all of it for a thread
 *       born since). A thread that ends between the readings takes its switches with it: a
 *       slight undercount for processes whose threads come and go;
 *   <li>run-queue wait: the second field of /proc/PID/task/TID/schedstat, the nanoseconds each
 *       thread spent runnable but not running (waiting for a core), kept per thread as the
 *       context switches are. On a machine whose cores are all busy this is where latency goes
 *       that no profile of the process shows: its threads were ready and the scheduler ran
 *       someone else's;
 *   <li>resident memory: VmRSS (now) and VmHWM (the peak since the process started) of
 *       /proc/PID/status, in KiB, summed over the tree. The sum of the peaks is an upper bound of
 *       the tree's peak: its processes need not have peaked at the same moment.
 * </ul>
 *
 * Linux only. The descendants are looked up again at each reading.
 */
final class ProcessMeter {
  private static final Path PROC = Path.of("/proc");

  private final long rootPid;
  private final long ticksPerSecond;

  ProcessMeter(long rootPid, long ticksPerSecond) {
    this.rootPid = rootPid;
    this.ticksPerSecond = ticksPerSecond;
  }

  long pid() {
    return rootPid;
  }

  /**
   * CPU in microseconds summed over the tree, each of its threads' context switches and run-queue
   * wait, and its resident memory now and at its peak so far.
   */
  record Reading(double cpuMicros, Map<Long, Long> switchesByThread,
      Map<Long, Long> waitNanosByThread, int processes, long rssKib, long peakRssKib) {
    Reading {
      switchesByThread = Map.copyOf(switchesByThread);
      waitNanosByThread = Map.copyOf(waitNanosByThread);
    }

    /** What happened between {@code earlier} and this reading. */
    Delta minus(Reading earlier) {
      return new Delta(cpuMicros - earlier.cpuMicros,
          sinceEarlier(switchesByThread, earlier.switchesByThread),
          sinceEarlier(waitNanosByThread, earlier.waitNanosByThread) / 1_000.0);
    }

    /** Per thread, what it added since the earlier reading (all of it for a thread born since). */
    private static long sinceEarlier(Map<Long, Long> now, Map<Long, Long> then) {
      long sum = 0;
      for (Map.Entry<Long, Long> thread : now.entrySet()) {
        sum += thread.getValue() - then.getOrDefault(thread.getKey(), 0L);
      }
      return sum;
    }
  }

  /**
   * @param runQueueMicros time the tree's threads spent ready to run and waiting for a core
   */
  record Delta(double cpuMicros, long contextSwitches, double runQueueMicros) {}

  Reading read() throws IOException {
    long ticks = 0;
    long rss = 0;
    long peakRss = 0;
    Map<Long, Long> switches = new HashMap<>();
    Map<Long, Long> waits = new HashMap<>();
    List<Long> tree = tree();
    for (long pid : tree) {
      try {
        ticks += cpuTicks(pid);
        threads(pid, switches, waits);
        Map<String, Long> memory = kibFields(pid, "VmRSS:", "VmHWM:");
        rss += memory.getOrDefault("VmRSS:", 0L);
        peakRss += memory.getOrDefault("VmHWM:", 0L);
      } catch (IOException e) {
        // A worker that ended between the listing and the reading: nothing left to count. Its
        // files then fail with NoSuchFileException, or, while it is being reaped, with a plain
        // IOException "No such process" (ESRCH).
      }
    }
    if (tree.isEmpty()) {
      throw new IOException("process " + rootPid + " is not running");
    }
    return new Reading(ticks * 1_000_000.0 / ticksPerSecond, switches, waits, tree.size(), rss,
        peakRss);
  }

  /** rootPid and every live descendant. */
  private List<Long> tree() throws IOException {
    Map<Long, List<Long>> children = new HashMap<>();
    boolean rootAlive = false;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path dir : dirs) {
        long pid = Long.parseLong(dir.getFileName().toString());
        String[] fields;
        try {
          fields = statFields(pid);
        } catch (IOException e) {
          // Any process on the machine may end while /proc is listed (ESRCH or no file): it is
          // not in the tree, or if it was the root, the tree is empty and read() says so.
          continue;
        }
        rootAlive |= pid == rootPid;
        children.computeIfAbsent(Long.parseLong(fields[1]), k -> new ArrayList<>()).add(pid);
      }
    }
    List<Long> tree = new ArrayList<>();
    if (!rootAlive) {
      return tree;
    }
    Deque<Long> todo = new ArrayDeque<>(List.of(rootPid));
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      tree.add(pid);
      todo.addAll(children.getOrDefault(pid, List.of()));
    }
    return tree;
  }

  private static long cpuTicks(long pid) throws IOException {
    String[] fields = statFields(pid);
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
  }

  /**
   * The fields of /proc/PID/stat after the command name, which is in parentheses and may itself
   * contain spaces and parentheses: [0] is field 3 (state), [1] field 4 (ppid), [11] field 14.
   */
  private static String[] statFields(long pid) throws IOException {
    String stat = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.ISO_8859_1);
    return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
  }

  /** The named "Name:  1234 kB" lines of /proc/PID/status, in KiB (a kernel thread has none). */
  private static Map<String, Long> kibFields(long pid, String... names) throws IOException {
    Map<String, Long> values = new HashMap<>();
    for (String line : Files.readAllLines(PROC.resolve(pid + "/status"), StandardCharsets.ISO_8859_1)) {
      for (String name : names) {
        if (line.startsWith(name)) {
          values.put(name, Long.parseLong(line.substring(name.length()).replace("kB", "").trim()));
        }
      }
    }
    return values;
  }

  /**
   * Adds each thread of {@code pid} with its voluntary + involuntary switches to {@code switches}
   * and with its run-queue wait in nanoseconds to {@code waits}.
   */
  private static void threads(long pid, Map<Long, Long> switches, Map<Long, Long> waits)
      throws IOException {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(PROC.resolve(pid + "/task"))) {
      for (Path task : tasks) {
        long sum = 0;
        List<String> lines;
        try {
          lines = Files.readAllLines(task.resolve("status"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
          continue; // the thread ended (no file, or ESRCH while it is reaped)
        }
        for (String line : lines) {
          if (line.startsWith("voluntary_ctxt_switches:")
              || line.startsWith("nonvoluntary_ctxt_switches:")) {
            sum += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
          }
        }
        long tid = Long.parseLong(task.getFileName().toString());
        switches.put(tid, sum);
        try {
          // "<ns on a core> <ns runnable, waiting for one> <time slices>"; absent from kernels
          // built without CONFIG_SCHED_INFO, where the wait then reads as zero
          String schedstat =
              Files.readString(task.resolve("schedstat"), StandardCharsets.ISO_8859_1);
          waits.put(tid, Long.parseLong(schedstat.trim().split(" ")[1]));
        } catch (IOException e) {
          // ended since its status was read, or no schedstat
        }
      }
    }
  }
}
