package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KekId;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.WrappedSecretRejectedException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cache's bookkeeping, with a stand-in for the token that records what it was asked. */
class UnwrappedKeyCacheTest {
  private final Ops ops = new Ops();

  @Test
  void evictedHandle_isDestroyedByItsLastUser_notWhileInUse() throws Exception {
    UnwrappedKeyCache cache = new UnwrappedKeyCache(1);
    UnwrappedKeyCache.Lease a = cache.acquire(secret(1), ops);
    long handleA = a.handle();
    try (UnwrappedKeyCache.Lease b = cache.acquire(secret(2), ops)) {
      assertThat(cache.size()).isEqualTo(1);
      assertThat(ops.destroyed).doesNotContain(handleA); // a is still in use
      assertThat(b.handle()).isNotEqualTo(handleA);
    }
    a.close();
    assertThat(ops.destroyed).contains(handleA);
    assertThat(ops.live()).hasSize(1);
  }

  @Test
  void unusedEldest_isDestroyedAtOnce_andLiveHandlesStayWithinCapacity() throws Exception {
    UnwrappedKeyCache cache = new UnwrappedKeyCache(3);
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 10; i++) {
        cache.acquire(secret(i), ops).close();
        assertThat(ops.live().size()).isLessThanOrEqualTo(3);
      }
    }
    assertThat(cache.unwraps()).isEqualTo(30);
  }

  @Test
  void hit_doesNotUnwrapAgain() throws Exception {
    UnwrappedKeyCache cache = new UnwrappedKeyCache(2);
    cache.acquire(secret(1), ops).close();
    cache.acquire(secret(1), ops).close();
    assertThat(ops.unwrapped).hasSize(1);
  }

  @Test
  void failedUnwrap_leavesNothingBehind_andIsTriedAgainNextTime() throws Exception {
    UnwrappedKeyCache cache = new UnwrappedKeyCache(2);
    ops.failNext = true;
    assertThatThrownBy(() -> cache.acquire(secret(1), ops))
        .isInstanceOf(WrappedSecretRejectedException.class);
    assertThat(cache.size()).isZero();
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(1), ops)) {
      assertThat(l.handle()).isPositive();
    }
  }

  @Test
  void invalidatedHandle_isUnwrappedAgain() throws Exception {
    UnwrappedKeyCache cache = new UnwrappedKeyCache(2);
    long first;
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(1), ops)) {
      first = l.handle();
      l.invalidate();
    }
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(1), ops)) {
      assertThat(l.handle()).isNotEqualTo(first).isPositive();
    }
    assertThat(ops.unwrapped).hasSize(2);
  }

  @Test
  void removeUnder_returnsIdleKeysOfThatKek_andLeavesAKeyInUseToItsLastUser() throws Exception {
    UnwrappedKeyCache cache = new UnwrappedKeyCache(10);
    long idle;
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(1), ops)) {
      idle = l.handle();
    }
    UnwrappedKeyCache.Lease inUse = cache.acquire(secret(2), ops);
    long inUseHandle = inUse.handle();
    long other;
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(3, "k2"), ops)) {
      other = l.handle();
    }

    assertThat(cache.removeUnder(KekId.of("k1"))).containsExactly(idle);
    assertThat(cache.size()).isEqualTo(1); // only k2's key is still cached
    assertThat(ops.destroyed).isEmpty(); // the caller destroys what it was handed
    inUse.close();
    assertThat(ops.destroyed).containsExactly(inUseHandle);
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(3, "k2"), ops)) {
      assertThat(l.handle()).isEqualTo(other);
    }
    try (UnwrappedKeyCache.Lease l = cache.acquire(secret(1), ops)) {
      assertThat(l.handle()).isNotEqualTo(idle); // unwrapped again, not handed out from before
    }
  }

  private static WrappedSecret secret(int n) {
    return secret(n, "k1");
  }

  private static WrappedSecret secret(int n, String kek) {
    byte[] blob = new byte[40];
    blob[0] = (byte) n;
    return new WrappedSecret(KekId.of(kek), blob);
  }

  private static final class Ops implements UnwrappedKeyCache.TokenOps {
    final List<Long> unwrapped = new ArrayList<>();
    final Set<Long> destroyed = new HashSet<>();
    boolean failNext;
    long next = 100;

    @Override
    public synchronized long unwrap(WrappedSecret secret) throws HsmException {
      if (failNext) {
        failNext = false;
        throw new WrappedSecretRejectedException("test", "CKR_WRAPPED_KEY_INVALID", null);
      }
      long h = next++;
      unwrapped.add(h);
      return h;
    }

    @Override
    public synchronized void destroy(long handle) {
      assertThat(destroyed.add(handle)).as("destroyed twice: " + handle).isTrue();
    }

    synchronized Set<Long> live() {
      Set<Long> live = new HashSet<>(unwrapped);
      live.removeAll(destroyed);
      return live;
    }
  }
}
