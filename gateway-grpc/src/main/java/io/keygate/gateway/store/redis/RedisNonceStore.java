package io.keygate.gateway.store.redis;

import io.keygate.gateway.auth.NonceStore;
import io.keygate.gateway.auth.NonceStoreUnavailableException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.DefaultRedisCredentialsProvider;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The nonce store shared by every node of a cluster, in Redis. Each AccessKey's nonces are one
 * sorted set (member: the nonce, score: the instant until which it must be remembered), and one
 * Lua script, atomic in Redis, forgets the expired ones, answers whether the nonce is there,
 * refuses when the key's share is full, and otherwise adds it and sets the set's time to live to
 * its latest expiry. Only that one key is touched, under the AccessKey's hash tag ({@link
 * RedisNonceKeys}), so the layout works on Redis Cluster unchanged.
 *
 * <p>Time comes from the gateway's clock, passed to the script: a node forgets a nonce only when
 * its own timestamp window would refuse the call anyway. The set's time to live is relative (so
 * Redis' own clock does not matter) and nonces are kept {@code skewAllowance} longer than asked,
 * so that a node whose clock runs behind another's cannot accept a nonce the other already forgot.
 *
 * <p>Fails closed: any Redis error, a refused connection, a timeout (connect, command, or waiting
 * for a pooled connection, each bounded by {@link RedisSettings#timeout()}), or a full share is a
 * {@link NonceStoreUnavailableException}, never a "first seen". The per-tenant share of the
 * in-process store is not kept here: a tenant's keys live in different cluster slots, so one
 * atomic count across them does not exist; docs/operations.md says what bounds a tenant instead.
 */
public final class RedisNonceStore implements NonceStore, AutoCloseable {
  // KEYS[1] the AccessKey's set. ARGV: nonce, now (ms), keep-until (ms), the key's share.
  // Returns 1 (new, recorded), 0 (seen before), -1 (the key's share is full).
  static final String SCRIPT = String.join("\n",
      "local now = tonumber(ARGV[2])",
      "local keep = tonumber(ARGV[3])",
      "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])",
      "if redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end",
      "if keep < now then return 1 end",
      "if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end",
      "redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])", // the string: exact, whatever its size
      "local latest = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')",
      "redis.call('PEXPIRE', KEYS[1], tonumber(latest[2]) - now + 1)",
      "return 1");

  private final UnifiedJedis redis;
  private final String scriptSha;
  private final RedisNonceKeys keys = new RedisNonceKeys();
  private final Clock clock;
  private final int perKeyShare;
  private final Duration skewAllowance;
  private final String where;

  RedisNonceStore(UnifiedJedis redis, Clock clock, int perKeyShare, Duration skewAllowance,
      String where) {
    if (perKeyShare < 1) {
      throw new IllegalArgumentException("perKeyShare must be positive");
    }
    if (skewAllowance.isNegative()) {
      throw new IllegalArgumentException("skewAllowance must not be negative");
    }
    this.redis = Objects.requireNonNull(redis, "redis");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.perKeyShare = perKeyShare;
    this.skewAllowance = skewAllowance;
    this.where = where;
    this.scriptSha = sha1Hex(SCRIPT);
  }

  /**
   * Opens a pool of at most {@code connections} connections to the server the settings name
   * (reading the password file now). Connects lazily: a Redis that is down at start makes calls
   * fail closed until it is up, it does not stop the node.
   *
   * @param perKeyShare the most live nonces one AccessKey may hold
   * @param skewAllowance how much longer than asked each nonce is kept (clock skew between nodes)
   * @throws IOException if the password file cannot be read (the message names the file only)
   */
  public static RedisNonceStore open(RedisSettings settings, Clock clock, int perKeyShare,
      int connections, Duration skewAllowance) throws IOException {
    int timeoutMillis = (int) settings.timeout().toMillis();
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeoutMillis)
        .socketTimeoutMillis(timeoutMillis)
        .database(settings.database())
        .ssl(settings.tls())
        .clientName("keygate-nonces");
    if (settings.passwordFile().isPresent()) {
      char[] password = RedisPasswordFile.read(settings.passwordFile().get());
      config.credentialsProvider(new DefaultRedisCredentialsProvider(
          new DefaultRedisCredentials(settings.user().orElse(null), password)));
    } else if (settings.user().isPresent()) {
      throw new IOException("a Redis user needs a password file");
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(connections);
    pool.setMaxIdle(connections);
    pool.setMinIdle(0);
    pool.setBlockWhenExhausted(true);
    pool.setMaxWait(settings.timeout()); // a pool starved by a hung Redis fails closed too
    pool.setTestOnBorrow(false); // a dead connection fails its command, and is dropped then
    pool.setJmxEnabled(false);
    UnifiedJedis client = RedisClient.builder()
        .hostAndPort(new HostAndPort(settings.host(), settings.port()))
        .clientConfig(config.build())
        .poolConfig(pool)
        .build();
    return new RedisNonceStore(client, clock, perKeyShare, skewAllowance, settings.toString());
  }

  @Override
  public boolean recordIfFirstSeen(
      String tenantId, String accessKey, String nonce, Instant expiresAt)
      throws NonceStoreUnavailableException {
    long now = clock.millis();
    long keepUntil = expiresAt.plus(skewAllowance).toEpochMilli();
    List<String> key = List.of(keys.forAccessKey(tenantId, accessKey));
    List<String> args = List.of(nonce, Long.toString(now), Long.toString(keepUntil),
        Integer.toString(perKeyShare));
    Object reply;
    try {
      reply = run(key, args);
    } catch (JedisException e) {
      throw new NonceStoreUnavailableException(
          "redis nonce store: " + e.getClass().getSimpleName() + ": " + shortMessage(e), e);
    }
    if (!(reply instanceof Long answer) || answer < -1 || answer > 1) {
      throw new NonceStoreUnavailableException("redis nonce store: unexpected reply");
    }
    if (answer == -1) {
      throw new NonceStoreUnavailableException(
          "this AccessKey's share of the nonce store is full (" + perKeyShare + " live nonces)");
    }
    return answer == 1;
  }

  // EVALSHA sends 40 bytes instead of the script; a restarted (or flushed) Redis has forgotten the
  // script, and EVAL both runs it and loads it again.
  private Object run(List<String> key, List<String> args) {
    try {
      return redis.evalsha(scriptSha, key, args);
    } catch (JedisNoScriptException e) {
      return redis.eval(SCRIPT, key, args);
    }
  }

  /** A PING, bounded by the store's timeout: the node's health probe. */
  @Override
  public void probe() throws NonceStoreUnavailableException {
    ping();
  }

  /** Answers PONG, or throws: for a start-up check and for health probes. */
  public void ping() throws NonceStoreUnavailableException {
    try {
      redis.ping();
    } catch (JedisException e) {
      throw new NonceStoreUnavailableException(
          "redis nonce store: " + e.getClass().getSimpleName() + ": " + shortMessage(e), e);
    }
  }

  @Override
  public void close() {
    redis.close();
  }

  @Override
  public String toString() {
    return "Redis nonce store at " + where;
  }

  // Redis' and Jedis' texts name the failure ("Connection refused", "OOM command not allowed"),
  // never a password; bounded so that a long reply cannot flood the log line.
  private static String shortMessage(Exception e) {
    String message = String.valueOf(e.getMessage());
    return message.length() > 160 ? message.substring(0, 160) + "..." : message;
  }

  private static String sha1Hex(String script) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
          .digest(script.getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is in every JDK", e);
    }
  }
}
