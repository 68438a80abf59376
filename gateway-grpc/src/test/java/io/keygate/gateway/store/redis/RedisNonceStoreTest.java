package io.keygate.gateway.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.NonceStoreContract;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/**
 * The Redis nonce store against a real redis-server of its own: the contract every store meets,
 * then what only Redis brings: the key layout, a script Redis forgot, and failing closed, fast,
 * when Redis dies or hangs, and serving again when it returns.
 */
class RedisNonceStoreTest extends NonceStoreContract {
  private static final String KEY = "kg:nonce:{acme/AK1}";
  private static TestRedis redis;
  private final List<RedisNonceStore> opened = new ArrayList<>();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.start();
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void emptyRedis() {
    try (Jedis jedis = redis.client()) {
      jedis.flushAll();
    }
  }

  @AfterEach
  void closeStores() {
    opened.forEach(RedisNonceStore::close);
  }

  @Override
  protected NonceStore store(Clock clock, int perKeyShare) throws Exception {
    return open(redis.settings(), clock, perKeyShare, Duration.ZERO);
  }

  private RedisNonceStore open(RedisSettings settings, Clock clock, int perKeyShare,
      Duration skewAllowance) throws Exception {
    RedisNonceStore store = RedisNonceStore.open(settings, clock, perKeyShare, 4, skewAllowance);
    opened.add(store);
    return store;
  }

  @Test
  void anAccessKeysNonces_areOneSortedSetUnderItsHashTag_livingUntilTheLatestExpiry()
      throws Exception {
    NonceStore store = store(clock, SHARE);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes.minusSeconds(60));
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes);

    try (Jedis jedis = redis.client()) {
      assertThat(jedis.keys("*")).containsExactly(KEY);
      assertThat(jedis.type(KEY)).isEqualTo("zset");
      assertThat(jedis.zscore(KEY, "nonce-0000000000002")).isEqualTo((double) inFiveMinutes.toEpochMilli());
      // Relative to the gateway's clock (five minutes from "now"), whatever Redis' clock says.
      assertThat(jedis.pttl(KEY)).isBetween(Duration.ofMinutes(5).toMillis() - 5_000,
          Duration.ofMinutes(5).toMillis() + 1);
    }
  }

  @Test
  void nonces_areKeptTheSkewAllowanceLongerThanTheirExpiry() throws Exception {
    NonceStore store = open(redis.settings(), clock, SHARE, Duration.ofSeconds(2));
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);

    clock.set(inFiveMinutes.plusMillis(2_000));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes))
        .as("a node whose clock runs 2 s behind still sees the replay").isFalse();
    clock.set(inFiveMinutes.plusMillis(2_001));
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001",
        inFiveMinutes.plusSeconds(300))).isTrue();
  }

  @Test
  void aScriptRedisHasForgotten_isSentAgain() throws Exception {
    NonceStore store = store(clock, SHARE);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);
    try (Jedis jedis = redis.client()) {
      jedis.scriptFlush();
    }

    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isFalse();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes)).isTrue();
  }

  @Test
  void aDeadRedis_failsClosedAtOnce_evenForAReplay_andTheStoreServesAgainWhenItReturns()
      throws Exception {
    NonceStore store = store(clock, SHARE);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);

    redis.kill();
    try {
      long start = System.nanoTime();
      assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002",
          inFiveMinutes)).isInstanceOf(NonceStoreUnavailableException.class)
          .hasMessageContaining("redis nonce store");
      assertThatThrownBy(() -> store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001",
          inFiveMinutes)).as("neither new nor a replay: unknown").isInstanceOf(
          NonceStoreUnavailableException.class);
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("bounded by the timeout, not by TCP's").isLessThan(Duration.ofSeconds(1));
    } finally {
      redis.restart();
    }

    // The restarted Redis is empty (no persistence): what it had is gone, new nonces are served.
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003", inFiveMinutes)).isFalse();
  }

  @Test
  void aHungRedis_failsClosedWithinTheTimeout_andTheStoreServesAgainWhenItAnswers()
      throws Exception {
    NonceStore store = store(clock, SHARE);
    store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes);

    redis.freeze();
    try {
      long start = System.nanoTime();
      NonceStoreUnavailableException e = catchThrowableOfType(NonceStoreUnavailableException.class,
          () -> store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(e).as("a hung Redis is not a first sighting").isNotNull();
      assertThat(took).as("the 250 ms timeout, not a hang")
          .isGreaterThanOrEqualTo(Duration.ofMillis(200)).isLessThan(Duration.ofSeconds(1));
    } finally {
      redis.thaw();
    }

    // The script that timed out may still run once Redis reads it, burning nonce 2: safe, the
    // call was refused and a client signs its retry anew. Only new nonces are asked about here.
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003", inFiveMinutes)).isTrue();
    assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes))
        .as("what Redis held while hung is still there").isFalse();
  }

  @Test
  void aPasswordFromItsFile_opensAProtectedRedis_andNoPrintoutNamesIt(@TempDir Path dir)
      throws Exception {
    String password = "s3cret-Redis-pass-" + System.nanoTime();
    try (TestRedis locked = TestRedis.start(List.of("--requirepass", password))) {
      Path file = Files.writeString(dir.resolve("redis-password"), password + "\n");
      RedisSettings right = new RedisSettings("127.0.0.1", locked.port(), 0, false,
          Optional.empty(), Optional.of(file), RedisSettings.DEFAULT_TIMEOUT);
      RedisNonceStore store = open(right, clock, SHARE, Duration.ZERO);

      assertThat(store.recordIfFirstSeen("acme", "AK1", "nonce-0000000000001", inFiveMinutes)).isTrue();
      assertThat(store.toString()).contains("password file").doesNotContain(password);
      assertThat(right.toString()).doesNotContain(password);

      Path wrongFile = Files.writeString(dir.resolve("wrong"), "not-" + password);
      RedisNonceStore wrong = open(new RedisSettings("127.0.0.1", locked.port(), 0, false,
          Optional.empty(), Optional.of(wrongFile), RedisSettings.DEFAULT_TIMEOUT), clock, SHARE,
          Duration.ZERO);
      NonceStoreUnavailableException refused = catchThrowableOfType(
          NonceStoreUnavailableException.class,
          () -> wrong.recordIfFirstSeen("acme", "AK1", "nonce-0000000000002", inFiveMinutes));
      assertThat(refused).isNotNull();
      assertThat(refused.getMessage()).doesNotContain(password);

      RedisNonceStore none = open(new RedisSettings("127.0.0.1", locked.port(), 0, false,
          Optional.empty(), Optional.empty(), RedisSettings.DEFAULT_TIMEOUT), clock, SHARE,
          Duration.ZERO);
      assertThatThrownBy(() -> none.recordIfFirstSeen("acme", "AK1", "nonce-0000000000003",
          inFiveMinutes)).isInstanceOf(NonceStoreUnavailableException.class);
    }
  }
}
