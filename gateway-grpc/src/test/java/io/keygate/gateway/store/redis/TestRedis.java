package io.keygate.gateway.store.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A private {@code redis-server} for one test class, on a free port of 127.0.0.1 with its files in
 * a temporary directory, no persistence: tests kill it (SIGKILL) and start it again on the same
 * port. It never uses the Redis that may already run on this machine. No redis-server installed
 * fails the test with how to install it; these tests never skip.
 */
public final class TestRedis implements AutoCloseable {
  private static final List<Path> CANDIDATES = List.of(
      Path.of("/usr/bin/redis-server"), Path.of("/usr/local/bin/redis-server"),
      Path.of("/usr/sbin/redis-server"));
  private static final Duration READY_WITHIN = Duration.ofSeconds(15);

  private final Path binary;
  private final Path dir;
  private final int port;
  private final List<String> extraArguments;
  private Process process;

  private TestRedis(Path binary, Path dir, int port, List<String> extraArguments) {
    this.binary = binary;
    this.dir = dir;
    this.port = port;
    this.extraArguments = extraArguments;
  }

  /** Starts a fresh server and returns once it answers PING. */
  public static TestRedis start() throws Exception {
    return start(List.of());
  }

  /** A fresh server with more options ({@code --requirepass ...}). */
  public static TestRedis start(List<String> extraArguments) throws Exception {
    Path binary = binary();
    TestRedis redis = new TestRedis(
        binary, Files.createTempDirectory("keygate-redis-"), freePort(), List.copyOf(extraArguments));
    redis.restart();
    return redis;
  }

  public int port() {
    return port;
  }

  /** Settings for a nonce store on this server, with the store's default timeout. */
  public RedisSettings settings() {
    return new RedisSettings("127.0.0.1", port, 0, false, Optional.empty(), Optional.empty(),
        RedisSettings.DEFAULT_TIMEOUT);
  }

  /** A plain connection for the test to look at (and flush) what the store wrote. */
  public Jedis client() {
    return new Jedis("127.0.0.1", port);
  }

  /** SIGKILL, as a crash or an operator's kill -9 would: no goodbye to clients. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly(); // SIGKILL: ends a frozen server too
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        throw new AssertionError("redis-server did not die within 10 s of SIGKILL");
      }
      process = null;
    }
  }

  /** SIGSTOP: the server holds its connections and answers nothing, as a hung one would. */
  public void freeze() throws Exception {
    signal("-STOP");
  }

  /** SIGCONT after {@link #freeze}. */
  public void thaw() throws Exception {
    signal("-CONT");
  }

  private void signal(String which) throws Exception {
    Process kill = new ProcessBuilder("kill", which, Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill " + which + " failed");
    }
  }

  /** Starts the server again (empty: it keeps nothing) on the same port; returns once it answers. */
  public void restart() throws Exception {
    if (process != null) {
      throw new IllegalStateException("redis-server is running");
    }
    List<String> command = new java.util.ArrayList<>(List.of(binary.toString(),
        "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(),
        "--daemonize", "no", "--maxmemory-policy", "noeviction"));
    command.addAll(extraArguments);
    process = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    awaitPong();
  }

  private void awaitPong() throws IOException {
    long deadline = System.nanoTime() + READY_WITHIN.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("redis-server exited at start (port " + port + "): "
            + Files.readString(dir.resolve("redis.log"), StandardCharsets.UTF_8));
      }
      try (Jedis jedis = client()) {
        if ("PONG".equals(jedis.ping())) {
          return;
        }
      } catch (redis.clients.jedis.exceptions.JedisDataException answered) {
        return; // NOAUTH and the like: it is up, and wants a password
      } catch (JedisException notYet) {
        // still starting: poll again until the deadline
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("redis-server on port " + port + " did not answer within "
            + READY_WITHIN.toSeconds() + " s");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @Override
  public void close() throws Exception {
    kill();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private static Path binary() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(entry, "redis-server");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new AssertionError("redis-server is not installed: the shared nonce store is tested"
            + " against a real one. Install it with 'apt-get install redis-server' (or run"
            + " bin/install-prereqs as root); these tests never skip."));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
