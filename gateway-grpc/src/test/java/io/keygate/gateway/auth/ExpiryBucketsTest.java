package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExpiryBucketsTest {
  @Test
  void drain_handsOverThePastSecondsAndDropsThem_butLeavesThisSecondUnlessAsked() {
    ExpiryBuckets buckets = new ExpiryBuckets();
    for (int i = 0; i < 40; i++) { // more than a bucket's first array holds
      buckets.add(1_000 + i, i, i); // second 1
    }
    buckets.add(2_500, 100, 100); // second 2
    buckets.add(3_100, 200, 200); // second 3
    List<Long> seen = new ArrayList<>();

    buckets.drain(2_600, false, (hi, lo) -> seen.add(hi));
    assertThat(seen).hasSize(40).startsWith(0L).endsWith(39L);
    assertThat(buckets.held()).isEqualTo(2);

    seen.clear();
    buckets.drain(2_600, true, (hi, lo) -> {
      seen.add(hi);
      return false; // keep it
    });
    assertThat(seen).containsExactly(100L);
    assertThat(buckets.held()).isEqualTo(2);

    buckets.drain(2_600, true, (hi, lo) -> seen.add(hi));
    assertThat(buckets.held()).as("this second's fingerprint, forgotten").isEqualTo(1);
    assertThat(buckets).hasToString("ExpiryBuckets[2 seconds]");
  }
}
