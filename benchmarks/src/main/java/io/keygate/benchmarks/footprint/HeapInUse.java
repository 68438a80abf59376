package io.keygate.benchmarks.footprint;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * The heap that live objects hold: used heap after full collections, read until two readings
 * agree (a collection may free what a finalizer or a reference queue released only at the one
 * before). Meant for a quiet JVM that runs nothing else, as these measurements do.
 */
final class HeapInUse {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

  long bytes() {
    long previous = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      memory.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (used >= previous - 64 * 1024) {
        return Math.min(used, previous);
      }
      previous = used;
    }
    return previous;
  }
}
