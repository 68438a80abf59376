package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FingerprintTableTest {
  private record Fp(long hi, long lo) {}

  @Test
  void randomAddsAndRemoves_agreeWithAMap_evenWhenMostFingerprintsShareAHomeSlot() {
    SplittableRandom random = new SplittableRandom(42);
    FingerprintTable<String> table = new FingerprintTable<>();
    Map<Fp, Long> model = new HashMap<>();
    List<Fp> known = new ArrayList<>();
    for (int step = 0; step < 50_000; step++) {
      if (known.isEmpty() || random.nextInt(3) > 0) {
        // Few home slots: the first ones, and the last ones (whose runs wrap around to slot 0).
        int kind = random.nextInt(4);
        long hi = kind == 0 ? random.nextLong()
            : kind == 1 ? 0x7fffffffL - random.nextInt(4) : random.nextInt(8);
        Fp fp = new Fp(hi, random.nextLong());
        if (model.containsKey(fp)) {
          continue;
        }
        assertThat(table.find(fp.hi(), fp.lo())).isEqualTo(FingerprintTable.NONE);
        table.add(fp.hi(), fp.lo(), step, "owner");
        model.put(fp, (long) step);
        known.add(fp);
      } else {
        Fp fp = known.remove(random.nextInt(known.size()));
        int slot = table.find(fp.hi(), fp.lo());
        assertThat(slot).isNotEqualTo(FingerprintTable.NONE);
        assertThat(table.expiry(slot)).isEqualTo(model.remove(fp));
        table.remove(slot);
        assertThat(table.find(fp.hi(), fp.lo())).isEqualTo(FingerprintTable.NONE);
      }
    }
    assertThat(table.size()).isEqualTo(model.size());
    for (Map.Entry<Fp, Long> e : model.entrySet()) {
      int slot = table.find(e.getKey().hi(), e.getKey().lo());
      assertThat(table.expiry(slot)).isEqualTo(e.getValue());
      assertThat(table.owner(slot)).isEqualTo("owner");
    }
  }

  @Test
  void theAllZeroFingerprint_isStoredAndFound_thoughZeroMarksAnEmptySlot() {
    FingerprintTable<String> table = new FingerprintTable<>();
    assertThat(table.find(0, 0)).isEqualTo(FingerprintTable.NONE);
    table.add(0, 0, 7, "o");
    int slot = table.find(0, 0);
    assertThat(slot).isNotEqualTo(FingerprintTable.NONE);
    assertThat(table.expiry(slot)).isEqualTo(7);
    table.remove(slot);
    assertThat(table.find(0, 0)).isEqualTo(FingerprintTable.NONE);
    assertThat(table.size()).isZero();
  }

  @Test
  void itGrows_keepingAtMostHalfItsSlotsInUse() {
    FingerprintTable<String> table = new FingerprintTable<>();
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      table.add(random.nextLong(), random.nextLong(), i, "o");
    }
    assertThat(table.size()).isEqualTo(100_000);
    assertThat(table.slots()).isEqualTo(262_144);
  }

  @Test
  void itDoubles_exactlyWhenAnAddWouldFillMoreThanHalf() {
    FingerprintTable<String> table = new FingerprintTable<>();
    for (int i = 1; i <= 512; i++) {
      table.add(i, i, i, "o");
    }
    assertThat(table.slots()).isEqualTo(1024);
    table.add(513, 513, 513, "o");
    assertThat(table.slots()).isEqualTo(2048);
  }

  @Test
  void everyEntry_survivesTheTableDoubling_evenWithAZeroHalf() {
    FingerprintTable<String> table = new FingerprintTable<>();
    for (int i = 1; i <= 600; i++) {
      table.add(i % 2 == 0 ? i : 0, i % 2 == 0 ? 0 : i, i, "o" + i);
    }
    for (int i = 1; i <= 600; i++) {
      int slot = table.find(i % 2 == 0 ? i : 0, i % 2 == 0 ? 0 : i);
      assertThat(slot).as("entry " + i).isNotEqualTo(FingerprintTable.NONE);
      assertThat(table.owner(slot)).isEqualTo("o" + i);
      assertThat(table.expiry(slot)).isEqualTo(i);
    }
  }

  @Test
  void toString_showsOnlyCounts() {
    FingerprintTable<String> table = new FingerprintTable<>();
    table.add(5, 6, 7, "owner");
    assertThat(table).hasToString("FingerprintTable[1 of 1024 slots]");
  }
}
