package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.hsm.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * What every {@link NonceStore} does, whatever keeps the nonces: a nonce is new once per
 * AccessKey, remembered until its expiry (inclusive) by the clock the store is given, and a key
 * whose share is full fails closed. Run against the in-process store and against Redis. Its tests
 * are public: implementations in other packages inherit them.
 */
public abstract class NonceStoreContract {
  protected static final long NOW = 1_764_547_200_000L;
  protected static final int SHARE = 5;
  protected final MutableClock clock = MutableClock.atMillis(NOW);
  protected final Instant inFiveMinutes = Instant.ofEpochMilli(NOW).plus(Duration.ofMinutes(5));

  /** A store reading {@code clock}, with room for {@code perKeyShare} live nonces per AccessKey. */
  protected abstract NonceStore store(Clock clock, int perKeyShare) throws Exception;

  @Test
  public void aNewNonce_isFirstSeen_andItsReplayIsNot() throws Exception {
    NonceStore store = store(clock, SHARE);

    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes))
        .as("and every replay after it").isFalse();
  }

  @Test
  public void nonces_areRememberedPerAccessKey() throws Exception {
    NonceStore store = store(clock, SHARE);

    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK2", "nonce-0000000000001", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("globex", "AK3", "nonce-0000000000001", inFiveMinutes)).isTrue();
  }

  @Test
  public void aNonce_isRememberedUntilItsExpiryInclusive_thenForgotten() throws Exception {
    NonceStore store = store(clock, SHARE);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);

    clock.set(inFiveMinutes);
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes))
        .as("at its expiry a replay still passes the window: still remembered").isFalse();

    clock.advance(Duration.ofMillis(1));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001",
        inFiveMinutes.plusSeconds(60))).as("forgotten after it").isTrue();
  }

  @Test
  public void aKeyWhoseShareIsFull_failsClosed_butStillRecognisesReplays_andOtherKeysAreServed()
      throws Exception {
    NonceStore store = store(clock, SHARE);
    for (int i = 0; i < SHARE; i++) {
      assertThat(store.recordIfFirstSeen("acme", "AK-flood", "nonce-flood-" + (100000 + i),
          inFiveMinutes.plusSeconds(i))).isTrue();
    }

    assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK-flood", "nonce-flood-200000",
        inFiveMinutes))
        .isInstanceOf(NonceStoreUnavailableException.class)
        .hasMessageContaining("share");
    assertThat(store.recordIfFirstSeen("acme", "AK-flood", "nonce-flood-100000", inFiveMinutes))
        .as("a replay is still told apart").isFalse();
    assertThat(store.recordIfFirstSeen("acme", "AK-other", "nonce-other-100000", inFiveMinutes))
        .as("another key keeps its room").isTrue();
  }

  @Test
  public void aKeysShare_isFreedAsItsNoncesExpire() throws Exception {
    NonceStore store = store(clock, SHARE);
    for (int i = 0; i < SHARE; i++) {
      store.recordIfFirstSeen("acme", "AK1", "nonce-share-" + (100000 + i), inFiveMinutes);
    }

    clock.set(inFiveMinutes.plusMillis(1));

    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-share-200000",
        inFiveMinutes.plusSeconds(300))).isTrue();
  }

  @Test
  public void expiredNonces_areForgottenInExpiryOrder_notArrivalOrder() throws Exception {
    NonceStore store = store(clock, SHARE);
    store.recordIfFirstSeen("acme", "AK1", "late-expiry-nonce-01", inFiveMinutes.plusSeconds(240));
    store.recordIfFirstSeen("acme", "AK1", "early-expiry-nonce-1", inFiveMinutes.minusSeconds(240));

    clock.set(inFiveMinutes);

    assertThat(store.recordIfFirstSeen("acme", "AK1", "late-expiry-nonce-01", inFiveMinutes)).isFalse();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "early-expiry-nonce-1", inFiveMinutes)).isTrue();
  }

  @Test
  public void aNonceAlreadyExpired_isAccepted_withoutTakingRoom() throws Exception {
    NonceStore store = store(clock, 1);

    // The timestamp window refuses any replay of it: nothing to remember.
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001",
        Instant.ofEpochMilli(NOW - 1))).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes))
        .as("the key's one place is still free").isTrue();
  }
}
