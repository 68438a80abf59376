package io.keygate.gateway.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A private haproxy in TCP mode in front of gateway nodes, as docs/operations.md ("Cluster")
 * configures it: TLS passed through to the nodes, a TLS handshake with each node as its health
 * check, a connection a node refuses retried on another. Its stats socket, on a loopback port,
 * says what its checks think of each node. No haproxy installed fails the test with how to
 * install it; the test never skips.
 */
final class TestHaproxy implements AutoCloseable {
  private static final List<Path> CANDIDATES = List.of(
      Path.of("/usr/sbin/haproxy"), Path.of("/usr/local/sbin/haproxy"), Path.of("/usr/bin/haproxy"));

  private final Process process;
  private final int port;
  private final int statsPort;
  private final Path dir;

  private TestHaproxy(Process process, int port, int statsPort, Path dir) {
    this.process = process;
    this.port = port;
    this.statsPort = statsPort;
    this.dir = dir;
  }

  /**
   * Starts haproxy before servers node1..nodeN on {@code nodePorts} of 127.0.0.1, checked every
   * {@code checkInterval} (DOWN after two failed checks); returns once it accepts connections.
   * A killed node refuses the check's connection at once, so it is DOWN within two intervals
   * whatever the check timeout; the timeout (5 s) only keeps a live node that answers slowly on a
   * loaded machine from being marked DOWN (a CI run at load 30 saw every node DOWN with 1 s).
   */
  static TestHaproxy start(Path dir, List<Integer> nodePorts, Duration checkInterval)
      throws Exception {
    Path binary = binary();
    int port = freePort();
    int statsPort = freePort();
    StringBuilder cfg = new StringBuilder("""
        global
          maxconn 1024
          stats socket ipv4@127.0.0.1:%d level admin
        defaults
          mode tcp
          timeout connect 1s
          timeout check 5s
          timeout client 120s
          timeout server 120s
          retries 3
          option redispatch 1
        frontend keygate
          bind 127.0.0.1:%d
          default_backend gateways
        backend gateways
          balance roundrobin
          default-server check check-ssl verify none check-alpn h2 inter %dms fall 2 rise 2
        """.formatted(statsPort, port, checkInterval.toMillis()));
    for (int i = 0; i < nodePorts.size(); i++) {
      cfg.append("  server node").append(i + 1).append(" 127.0.0.1:").append(nodePorts.get(i))
          .append('\n');
    }
    Files.createDirectories(dir);
    Path config = dir.resolve("haproxy.cfg");
    Files.writeString(config, cfg.toString());
    Process process = new ProcessBuilder(binary.toString(), "-db", "-f", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("haproxy.log").toFile())
        .start();
    TestHaproxy haproxy = new TestHaproxy(process, port, statsPort, dir);
    haproxy.awaitListening(Duration.ofSeconds(15));
    return haproxy;
  }

  int port() {
    return port;
  }

  /** What haproxy's checks say of node {@code n} now: "UP", "DOWN", "UP 1/2", ... */
  String status(int n) throws IOException {
    String server = "gateways,node" + n + ",";
    for (String line : command("show stat").lines().toList()) {
      if (line.startsWith(server)) {
        return line.split(",", -1)[17];
      }
    }
    throw new IOException("haproxy has no node" + n);
  }

  /** Waits until haproxy's checks have node {@code n} fully UP. */
  void awaitUp(int n, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String status = status(n);
    while (!status.equals("UP")) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("haproxy did not mark node" + n + " UP within " + within
            + " (it says " + status + ")");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      status = status(n);
    }
  }

  private void awaitListening(Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      if (!process.isAlive()) {
        throw new AssertionError("haproxy exited at start: "
            + Files.readString(dir.resolve("haproxy.log"), StandardCharsets.UTF_8));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", statsPort), 1_000);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("haproxy did not listen within " + within);
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  private String command(String command) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", statsPort), 2_000);
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Path binary() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String entry : path.split(java.io.File.pathSeparator)) {
        Path candidate = Path.of(entry, "haproxy");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() ->
        new AssertionError("haproxy is not installed: the cluster is tested behind a real one in"
            + " TCP mode. Install it with 'apt-get install haproxy' (or run bin/install-prereqs"
            + " as root); this test never skips."));
  }
}
