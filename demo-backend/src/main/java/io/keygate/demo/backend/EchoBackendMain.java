package io.keygate.demo.backend;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Runs the Echo backend by itself (bin/echo-backend), so a user has a backend to put behind the
 * gateway: {@code --port 9001 --name acme-backend}. Prints the address it listens on, serves
 * until SIGTERM or Ctrl-C, then stops gracefully. Exit codes: 2 for bad arguments, 1 when it
 * cannot listen.
 */
public final class EchoBackendMain {
  private EchoBackendMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(EchoBackendOptions.USAGE);
      return;
    }
    EchoBackendOptions options;
    InetSocketAddress address;
    try {
      options = EchoBackendOptions.parse(args);
      address = options.address();
    } catch (IllegalArgumentException e) {
      System.err.println("echo-backend: " + e.getMessage());
      System.err.println(EchoBackendOptions.USAGE);
      System.exit(2);
      return;
    }
    EchoBackendServer server;
    try {
      server = EchoBackendServer.start(address, options.name(), options.threads());
    } catch (IOException e) {
      System.err.println("echo-backend: cannot listen on " + hostPort(address) + ": " + e.getMessage());
      System.exit(1);
      return;
    }
    // The JVM runs this hook on SIGTERM and Ctrl-C; the main thread is released when it is done.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  System.out.println("echo backend " + options.name() + " stopped");
                },
                "echo-backend-shutdown"));
    System.out.println(
        "echo backend " + options.name() + " listening on " + hostPort(server.address())
            + " (plaintext gRPC: keygate.demo.v1.EchoService, grpc.health.v1.Health)");
    server.awaitTermination();
  }

  private static String hostPort(InetSocketAddress address) {
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
