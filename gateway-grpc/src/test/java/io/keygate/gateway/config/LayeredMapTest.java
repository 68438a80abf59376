package io.keygate.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LayeredMapTest {

  private static LayeredMap<String, Integer> base(int n) {
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("k" + i, i);
    }
    return LayeredMap.over(m);
  }

  @Test
  void changes_putAndRemove_withoutTouchingTheMapTheyWereAppliedTo() {
    LayeredMap<String, Integer> before = base(10);
    LayeredMap<String, Integer> after = before.with(Map.of(
        "k1", Optional.of(100), "k2", Optional.empty(), "new", Optional.of(7),
        "absent", Optional.empty()));

    assertThat(after.get("k1")).isEqualTo(100);
    assertThat(after.get("k2")).isNull();
    assertThat(after.get("new")).isEqualTo(7);
    assertThat(after.get("k3")).isEqualTo(3);
    assertThat(after.size()).isEqualTo(10);
    assertThat(before.get("k1")).isEqualTo(1);
    assertThat(before.get("k2")).isEqualTo(2);
    assertThat(before.get("new")).isNull();
    assertThat(before.size()).isEqualTo(10);
  }

  @Test
  void aRemovedKeyPutAgain_andAPutKeyRemovedAgain_endUpRight() {
    LayeredMap<String, Integer> m = base(3)
        .with(Map.of("k0", Optional.empty(), "x", Optional.of(1)))
        .with(Map.of("k0", Optional.of(9), "x", Optional.empty()));

    assertThat(m.get("k0")).isEqualTo(9);
    assertThat(m.get("x")).isNull();
    assertThat(m.size()).isEqualTo(3);
  }

  @Test
  void aLayerLargerThanTheFoldPoint_isFoldedIntoTheBase_withTheSameContent() {
    LayeredMap<String, Integer> m = base(100);
    Map<String, Optional<Integer>> many = new HashMap<>();
    for (int i = 0; i <= LayeredMap.MIN_FOLD; i++) {
      many.put("n" + i, Optional.of(i));
    }
    many.put("k5", Optional.empty());
    LayeredMap<String, Integer> folded = m.with(many);

    assertThat(folded.layered()).isZero();
    assertThat(folded.size()).isEqualTo(100 + LayeredMap.MIN_FOLD + 1 - 1);
    assertThat(folded.get("n" + LayeredMap.MIN_FOLD)).isEqualTo(LayeredMap.MIN_FOLD);
    assertThat(folded.get("k5")).isNull();
    assertThat(folded.get("k6")).isEqualTo(6);
    assertThat(m.with(Map.of("k7", Optional.of(70))).layered()).isEqualTo(1);
  }
}
