package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryNonceStoreTest {
  private static final long NOW = 1_764_547_200_000L;
  private final MutableClock clock = MutableClock.atMillis(NOW);
  private final Instant inFiveMinutes = Instant.ofEpochMilli(NOW).plus(Duration.ofMinutes(5));

  @Test
  void recordIfFirstSeen_acceptsANonceOnlyOnce() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 10);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();
  }

  @Test
  void nonces_areRememberedPerAccessKey() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 10);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK2", "nonce-0000000000001", inFiveMinutes)).isTrue();
  }

  @Test
  void aNonce_isRememberedUntilItsExpiryInclusive_thenForgotten() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 10);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);

    clock.set(Instant.ofEpochMilli(inFiveMinutes.toEpochMilli()));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();
    assertThat(store.size()).isEqualTo(1);

    clock.advance(Duration.ofMillis(1));
    assertThat(store.size()).isZero();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes.plusSeconds(60))).isTrue();
  }

  @Test
  void aFullStore_failsClosedForNewNonces_butStillRecognisesReplays() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 2);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes.plusSeconds(10));

    assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003", inFiveMinutes))
        .isInstanceOf(NonceStoreUnavailableException.class)
        .hasMessageContaining("full");
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();

    clock.set(Instant.ofEpochMilli(inFiveMinutes.toEpochMilli() + 1));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003", inFiveMinutes.plusSeconds(60)))
        .as("the expired nonce made room").isTrue();
  }

  @Test
  void expiredEntries_areForgottenInExpiryOrderNotArrivalOrder() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 10);
    store.recordIfFirstSeen("acme", "AK1", "late-expiry-nonce-01", inFiveMinutes.plusSeconds(240));
    store.recordIfFirstSeen("acme", "AK1", "early-expiry-nonce-1", inFiveMinutes.minusSeconds(240));

    clock.set(Instant.ofEpochMilli(inFiveMinutes.toEpochMilli()));
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "late-expiry-nonce-01", inFiveMinutes)).isFalse();
  }

  @Test
  void constructor_refusesANonPositiveCapacity() {
    assertThatThrownBy(() -> new InMemoryNonceStore(clock, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void oneKeyFillingItsShare_leavesRoomForEveryOtherKey() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 100, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(store.recordIfFirstSeen("acme", "AK-flood", "nonce-flood-" + (100000 + i), inFiveMinutes)).isTrue();
    }
    assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK-flood", "nonce-flood-999999", inFiveMinutes))
        .isInstanceOf(NonceStoreUnavailableException.class);
    assertThat(store.recordIfFirstSeen("acme", "AK-other", "nonce-other-0000001", inFiveMinutes)).isTrue();
  }

  @Test
  void aKeysShare_isFreedAsItsNoncesExpire() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 100, 1);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes))
        .isInstanceOf(NonceStoreUnavailableException.class);
    clock.advance(Duration.ofMinutes(5).plusMillis(1));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes.plus(Duration.ofMinutes(5)))).isTrue();
  }

  @Test
  void oneTenantFillingItsShare_withManyKeys_leavesRoomForEveryOtherTenant() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 100, 3, 5);
    for (int i = 0; i < 3; i++) {
      store.recordIfFirstSeen("flood", "AK-flood-1", "nonce-flood-1-" + (100000 + i), inFiveMinutes);
    }
    store.recordIfFirstSeen("flood", "AK-flood-2", "nonce-flood-2-0000001", inFiveMinutes);
    store.recordIfFirstSeen("flood", "AK-flood-2", "nonce-flood-2-0000002", inFiveMinutes);

    assertThatThrownBy(() -> store.recordIfFirstSeen(
        "flood", "AK-flood-2", "nonce-flood-2-0000003", inFiveMinutes))
        .as("within its key's share, past its tenant's")
        .isInstanceOf(NonceStoreUnavailableException.class)
        .hasMessageContaining("tenant");
    assertThatThrownBy(() -> store.recordIfFirstSeen(
        "flood", "AK-flood-3", "nonce-flood-3-0000001", inFiveMinutes))
        .as("a fresh key of the same tenant")
        .isInstanceOf(NonceStoreUnavailableException.class);
    assertThat(store.recordIfFirstSeen("other", "AK-other", "nonce-other-0000001", inFiveMinutes))
        .isTrue();
    assertThat(store.recordIfFirstSeen("flood", "AK-flood-1", "nonce-flood-1-100000", inFiveMinutes))
        .as("a replay is still recognised as one").isFalse();
  }

  @Test
  void aTenantsShare_isFreedAsItsNoncesExpire() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 100, 100, 2);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);
    store.recordIfFirstSeen("acme", "AK2", "nonce-0000000000002", inFiveMinutes.plusSeconds(60));
    assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK3", "nonce-0000000000003", inFiveMinutes))
        .isInstanceOf(NonceStoreUnavailableException.class);

    clock.advance(Duration.ofMinutes(5).plusMillis(1));

    assertThat(store.recordIfFirstSeen("acme", "AK3", "nonce-0000000000003", inFiveMinutes.plusSeconds(60)))
        .as("one expired: room for one").isTrue();
    assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK3", "nonce-0000000000004", inFiveMinutes.plusSeconds(60)))
        .as("the other is still live").isInstanceOf(NonceStoreUnavailableException.class);
  }

  @Test
  void aTenantShareOutsideOneToTheCapacity_isRefused() {
    assertThatThrownBy(() -> new InMemoryNonceStore(clock, 10, 5, 11))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new InMemoryNonceStore(clock, 10, 5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aShareLargerThanTheStore_isRefused() {
    assertThatThrownBy(() -> new InMemoryNonceStore(clock, 10, 11)).isInstanceOf(IllegalArgumentException.class);
  }

  // A replay inside the window's last millisecond: the nonce expires exactly now, the timestamp
  // check still passes it, so the store must still record it and refuse the second use.
  @Test
  void aNonceExpiringExactlyNow_isStillRecorded_soItsReplayIsRefused() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 10);
    Instant now = Instant.ofEpochMilli(NOW);

    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", now)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", now)).isFalse();
    assertThat(store.size()).isEqualTo(1);
  }

  // Already past its expiry: the window refuses any replay, so recording it would only waste room.
  @Test
  void aNonceAlreadyExpired_isAcceptedButNotKept() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 1);
    Instant past = Instant.ofEpochMilli(NOW - 1);

    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", past)).isTrue();
    assertThat(store.size()).isZero();
    assertThat(store.capacity()).isEqualTo(1);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes)).isTrue();
  }

  // The store keeps fingerprints grouped by the second they expire in; a nonce that expired a
  // moment ago in this same second, used again with a later expiry, must be recorded anew and
  // survive the old entry's second being emptied.
  @Test
  void aNonceUsedAgainAfterItsExpiry_inTheSameSecond_isRecordedAnew_andOutlivesItsOldSecond()
      throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 10);
    Instant soon = Instant.ofEpochMilli(NOW + 100);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", soon)).isTrue();

    clock.set(Instant.ofEpochMilli(NOW + 101));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();
    assertThat(store.size()).isEqualTo(1);

    clock.set(Instant.ofEpochMilli(NOW + 5_000)); // the old entry's second is long gone
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();
    assertThat(store.size()).isEqualTo(1);
  }

  // Against a plain model of the rule (a nonce is live while now <= its expiry; shares count live
  // nonces), over many calls with expiries spread across seconds and a clock that moves in
  // uneven steps, so entries expire in the middle of seconds as well as at their ends.
  @Test
  void manyCallsWithSpreadExpiries_answerExactlyAsThePlainRuleSays() throws Exception {
    java.util.SplittableRandom random = new java.util.SplittableRandom(11);
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 120, 20, 50);
    java.util.Map<String, Long> live = new java.util.HashMap<>(); // "key nonce" -> expiry
    java.util.Map<String, Integer> outcomes = new java.util.HashMap<>();
    long now = NOW;
    for (int step = 0; step < 20_000; step++) {
      now += random.nextInt(200) == 0 ? random.nextInt(1_500) : random.nextInt(3);
      clock.set(Instant.ofEpochMilli(now));
      long t = now;
      live.values().removeIf(expiry -> expiry < t);
      // Skewed, so that each limit is the one reached at times: tenant t0 and each tenant's
      // AK0 are busier than the others.
      String tenant = "t" + (random.nextInt(5) < 3 ? 0 : 1 + random.nextInt(2));
      String key = tenant + "-AK" + (random.nextBoolean() ? 0 : random.nextInt(4));
      String nonce = "nonce-" + random.nextInt(300);
      long expiry = now - 200 + random.nextInt(3_000);
      String id = key + " " + nonce;

      boolean expectedFirst;
      boolean expectedFull = false;
      if (live.containsKey(id)) {
        expectedFirst = false;
      } else if (expiry < now) {
        expectedFirst = true;
      } else {
        long ofKey = live.keySet().stream().filter(k -> k.startsWith(key + " ")).count();
        long ofTenant = live.keySet().stream().filter(k -> k.startsWith(tenant + "-")).count();
        expectedFull = ofKey >= 20 || ofTenant >= 50 || live.size() >= 120;
        if (expectedFull) {
          outcomes.merge(ofKey >= 20 ? "key share" : ofTenant >= 50 ? "tenant share" : "store", 1, Integer::sum);
        }
        expectedFirst = true;
        if (!expectedFull) {
          live.put(id, expiry);
        }
      }
      outcomes.merge(expectedFull ? "full" : expectedFirst ? "first" : "replay", 1, Integer::sum);
      if (expectedFull) {
        int at = step;
        String which = ofKeyFull(live, key) ? "AccessKey's share" : ofTenantFull(live, tenant) ? "tenant's share" : "store is full";
        assertThatThrownBy(() -> store.recordIfFirstSeen(tenant, key, nonce, Instant.ofEpochMilli(expiry)))
            .as("step " + at).isInstanceOf(NonceStoreUnavailableException.class)
            .hasMessageContaining(which);
      } else {
        assertThat(store.recordIfFirstSeen(tenant, key, nonce, Instant.ofEpochMilli(expiry)))
            .as("step " + step + ": " + id).isEqualTo(expectedFirst);
      }
      if (step % 101 == 0) {
        assertThat(store.size()).as("step " + step).isEqualTo(live.size());
      }
    }
    assertThat(outcomes).as("the run reached every outcome often")
        .allSatisfy((outcome, count) -> assertThat(count).isGreaterThan(100))
        .containsKeys("first", "replay", "full", "key share", "tenant share", "store");
  }

  private static boolean ofKeyFull(java.util.Map<String, Long> live, String key) {
    return live.keySet().stream().filter(k -> k.startsWith(key + " ")).count() >= 20;
  }

  private static boolean ofTenantFull(java.util.Map<String, Long> live, String tenant) {
    return live.keySet().stream().filter(k -> k.startsWith(tenant + "-")).count() >= 50;
  }

  // What the store holds must shrink as nonces expire, with no size() call to force it: a record
  // empties the seconds gone by, an exact count empties expired ones from this second too.
  @Test
  void expiredNonces_leaveTheStoresMemory_atTheNextRecord_andAtAnExactCount() throws Exception {
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 100);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", Instant.ofEpochMilli(NOW + 100));
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", Instant.ofEpochMilli(NOW + 900));
    clock.set(Instant.ofEpochMilli(NOW + 150));
    // Used again after its expiry, in the same second: its old fingerprint stays in the bucket.
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", Instant.ofEpochMilli(NOW + 300));
    assertThat(store.held()).isEqualTo(2);
    assertThat(store.bucketed()).isEqualTo(3);

    clock.set(Instant.ofEpochMilli(NOW + 500));
    assertThat(store.size()).isEqualTo(1);
    assertThat(store.held()).isEqualTo(1);
    assertThat(store.bucketed()).as("only nonce 2 is left in its second").isEqualTo(1);

    clock.set(Instant.ofEpochMilli(NOW + 2_000));
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003", inFiveMinutes);
    assertThat(store.held()).isEqualTo(1);
    assertThat(store.bucketed()).isEqualTo(1);
    assertThat(store).hasToString("InMemoryNonceStore[FingerprintTable[1 of 1024 slots], capacity 100]");
  }

  @Test
  void manyNoncesUnderManyKeys_areAllRemembered() throws Exception {
    // 200,000: the table doubles eight times on the way. (PIT runs this for every mutant of the
    // store; the footprint at a million is NonceStoreFootprint's, docs/operations.md.)
    InMemoryNonceStore store = new InMemoryNonceStore(clock, 1_000_000);
    for (int i = 0; i < 200_000; i++) {
      String key = "AK" + (i % 10_000);
      assertThat(store.recordIfFirstSeen("acme", key, "nonce-" + i, inFiveMinutes.plusMillis(i % 7_000)))
          .isTrue();
    }
    assertThat(store.size()).isEqualTo(200_000);
    for (int i = 0; i < 200_000; i += 997) {
      assertThat(store.recordIfFirstSeen("acme", "AK" + (i % 10_000), "nonce-" + i, inFiveMinutes)).isFalse();
    }
    assertThat(store.toString()).doesNotContain("AK1").doesNotContain("nonce-");
  }
}
