package io.keygate.benchmarks.gate;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of the benchmark JVM's Java threads (the benchmark's, and the gateway's event loops,
 * executors and schedulers) per operation, as {@value #CPU_NORM} in ns/op. Run it with {@code
 * -prof io.keygate.benchmarks.gate.CpuTimeProfiler}.
 *
 * <p>Why the gate reads this and not wall time: a ruler is measured in another fork, seconds or a
 * minute apart, and on a shared 2-core machine the load can change tenfold in between (a load
 * test next door made {@code hsmVerify} take 20 times its usual wall time while its ruler ran
 * unhindered). Waiting for a core costs wall time but no CPU time, so a CPU-time ratio stays put
 * while the wall-time ratio jumps.
 *
 * <p>Only Java threads count: the JIT's compiler threads and the GC's are not Java threads, and
 * leaving them out keeps late compilations out of the figure (allocation, the GC's cause, is
 * guarded on its own). Counted like JMH's {@code gc.alloc.rate.norm}: over the whole iteration,
 * divided by all its operations. A thread that ends during an iteration takes its time with it.
 */
public final class CpuTimeProfiler implements InternalProfiler {
  static final String CPU_NORM = "cpu.time.norm";

  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private Map<Long, Long> before = Map.of();

  public CpuTimeProfiler() {
    if (!threads.isThreadCpuTimeSupported()) {
      throw new UnsupportedOperationException("this JVM does not measure thread CPU time");
    }
    threads.setThreadCpuTimeEnabled(true);
  }

  @Override
  public String getDescription() {
    return "CPU time of every Java thread of the benchmark JVM, per operation";
  }

  @Override
  public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    before = cpuByThread();
  }

  @Override
  public Collection<? extends Result> afterIteration(
      BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
    long cpu = 0;
    for (Map.Entry<Long, Long> now : cpuByThread().entrySet()) {
      // A thread started during the iteration spent all its time in it.
      cpu += now.getValue() - before.getOrDefault(now.getKey(), 0L);
    }
    long ops = result.getMetadata().getAllOps();
    return List.of(new ScalarResult(
        CPU_NORM, ops == 0 ? Double.NaN : (double) cpu / ops, "ns/op", AggregationPolicy.AVG));
  }

  private Map<Long, Long> cpuByThread() {
    Map<Long, Long> cpu = new HashMap<>();
    for (long id : threads.getAllThreadIds()) {
      long nanos = threads.getThreadCpuTime(id);
      if (nanos >= 0) { // -1: the thread ended meanwhile
        cpu.put(id, nanos);
      }
    }
    return cpu;
  }
}
