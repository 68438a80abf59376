package io.keygate.admin.system;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway node as an operator runs it: {@code GatewayMain} in a JVM of its own, configured by
 * environment variables, ports learnt from the one line it prints once it serves. Closing it
 * sends SIGTERM and waits.
 */
final class NodeProcess implements AutoCloseable {
  private static final Pattern SERVING =
      Pattern.compile("keygate: serving calls on port (\\d+), admin API on port (\\d+) \\(pid (\\d+)\\)");

  private final Process process;
  private final int port;
  private final int adminPort;

  private NodeProcess(Process process, int port, int adminPort) {
    this.process = process;
    this.port = port;
    this.adminPort = adminPort;
  }

  /** Starts the node with {@code environment} added to this JVM's; stderr goes to {@code log}. */
  static NodeProcess start(Map<String, String> environment, Path log) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    // A node that lives for one test: C1 only and one GC thread start it for a fraction of the CPU.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.keygate.gateway.node.GatewayMain");
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(log.toFile());
    pb.environment().putAll(environment);
    Process process = pb.start();
    BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    CompletableFuture<Matcher> serving = CompletableFuture.supplyAsync(() -> {
      try {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          Matcher m = SERVING.matcher(line);
          if (m.find()) {
            return m;
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    Matcher m;
    try {
      m = serving.get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("the node did not start in 90 s; see " + log, e);
    }
    if (m == null) {
      process.waitFor(10, TimeUnit.SECONDS);
      throw new IllegalStateException(
          "the node exited (" + (process.isAlive() ? "running" : process.exitValue())
              + ") before serving; see " + log);
    }
    // Keep draining stdout so the node never blocks on a full pipe.
    CompletableFuture.runAsync(() -> {
      try {
        while (out.readLine() != null) {
          // discarded
        }
      } catch (IOException ignored) {
        // the node is gone
      }
    });
    return new NodeProcess(process, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  int port() {
    return port;
  }

  int adminPort() {
    return adminPort;
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
