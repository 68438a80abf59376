package io.keygate.gateway.dataplane;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void next_isUniqueOnANode() {
    RequestIds ids = new RequestIds(new Random(1));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      assertThat(seen.add(ids.next())).isTrue();
    }
  }

  @Test
  void next_hasTheNodesPrefix_andAFixedForm() {
    long prefix = new Random(7).nextLong();
    String id = new RequestIds(new Random(7)).next();

    assertThat(id).matches("[0-9a-f]{16}-[0-9a-f]{16}");
    assertThat(id).startsWith(String.format("%016x-", prefix));
  }

  @Test
  void twoNodes_drawDifferentPrefixes() {
    String one = new RequestIds(new Random(1)).next();
    String other = new RequestIds(new Random(2)).next();

    assertThat(one.substring(0, 17)).isNotEqualTo(other.substring(0, 17));
    assertThat(one.substring(17)).as("the same place in each node's sequence")
        .isEqualTo(other.substring(17));
  }

  // A client that makes two calls must not read how many calls the node took in between.
  @Test
  void consecutiveIds_doNotReadAsACount() {
    RequestIds ids = new RequestIds(new Random(3));
    long first = Long.parseUnsignedLong(ids.next().substring(17), 16);
    long second = Long.parseUnsignedLong(ids.next().substring(17), 16);

    assertThat(Long.bitCount(first ^ second)).isGreaterThan(8);
  }
}
