package io.keygate.gateway.node;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * The memory this JVM was given, as a node logs it at start: the operator sees which options took
 * effect (bin/keygate-jvm-options, KEYGATE_JAVA_OPTS, or none: then the JVM sized the heap from
 * the machine's memory).
 *
 * @param maxHeapBytes the most the heap may grow to (-Xmx)
 * @param maxDirectBytes the most direct memory (-XX:MaxDirectMemorySize; the JVM's default is the
 *     max heap); Netty's pooled buffers, where the transports keep frames, count against it too
 * @param collectors the garbage collectors' names, e.g. "G1 Young Generation"
 */
record MemoryLimits(long maxHeapBytes, long maxDirectBytes, List<String> collectors) {
  MemoryLimits {
    collectors = List.copyOf(collectors);
  }

  /** This JVM's limits. */
  static MemoryLimits ofThisJvm() {
    long maxHeap = Runtime.getRuntime().maxMemory();
    // 0 (the default) means "as much as the max heap", as java.nio and Netty then apply it.
    long maxDirect = Long.parseLong(ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
        .getVMOption("MaxDirectMemorySize").getValue());
    return new MemoryLimits(maxHeap, maxDirect == 0 ? maxHeap : maxDirect,
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(GarbageCollectorMXBean::getName).toList());
  }

  /** One line for the log. */
  String describe() {
    return String.format(Locale.ROOT, "memory: max heap %d MiB, max direct memory %d MiB, GC %s",
        maxHeapBytes >> 20, maxDirectBytes >> 20, String.join(" + ", collectors));
  }
}
