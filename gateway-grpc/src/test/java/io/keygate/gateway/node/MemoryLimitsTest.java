package io.keygate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLimitsTest {
  @Test
  void ofThisJvm_reportsTheHeapTheRuntimeMayGrowTo() {
    MemoryLimits limits = MemoryLimits.ofThisJvm();

    assertThat(limits.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    assertThat(limits.maxDirectBytes()).isPositive();
    assertThat(limits.collectors()).isNotEmpty();
  }

  @Test
  void describe_isOneLineInMebibytes() {
    MemoryLimits limits = new MemoryLimits(672L << 20, 256L << 20,
        List.of("G1 Young Generation", "G1 Old Generation"));

    assertThat(limits.describe()).isEqualTo("memory: max heap 672 MiB, max direct memory 256 MiB,"
        + " GC G1 Young Generation + G1 Old Generation");
  }
}
