package io.keygate.demo.backend;

import java.net.InetSocketAddress;

/**
 * What {@link EchoBackendMain} was asked for: where to listen, the name it answers with, and
 * which threads run its handlers. The defaults keep it on loopback, because it answers anyone who
 * reaches it (that is the gateway's job to prevent).
 */
record EchoBackendOptions(String host, int port, String name, HandlerThreads threads) {
  static final String USAGE =
      "usage: echo-backend [--port N] [--name NAME] [--host ADDRESS] [--threads loop|pool]\n"
          + "  --port     TCP port to listen on (default 9001; 0 picks a free one)\n"
          + "  --name     the name every response carries in its backend field (default echo-backend)\n"
          + "  --host     address to bind (default 127.0.0.1); plaintext gRPC, no authentication\n"
          + "  --threads  loop (default): the handlers run on the event loop that read the call (they\n"
          + "             never block); pool: on grpc's default cached thread pool, a hand-off a call";

  static EchoBackendOptions defaults() {
    return new EchoBackendOptions("127.0.0.1", 9001, "echo-backend", HandlerThreads.LOOP);
  }

  /** Parses {@code --option value} pairs; the message of the exception names the bad option. */
  static EchoBackendOptions parse(String... args) {
    EchoBackendOptions options = defaults();
    for (int i = 0; i < args.length; i += 2) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      String value = args[i + 1];
      switch (option) {
        case "--port" ->
            options = new EchoBackendOptions(options.host, port(value), options.name, options.threads);
        case "--name" ->
            options = new EchoBackendOptions(options.host, options.port, name(value), options.threads);
        case "--host" ->
            options = new EchoBackendOptions(value, options.port, options.name, options.threads);
        case "--threads" ->
            options = new EchoBackendOptions(options.host, options.port, options.name, threads(value));
        default -> throw new IllegalArgumentException("unknown option " + option);
      }
    }
    return options;
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below, with the option's name
    }
    throw new IllegalArgumentException("--port must be a number from 0 to 65535, not '" + value + "'");
  }

  private static HandlerThreads threads(String value) {
    return switch (value) {
      case "loop" -> HandlerThreads.LOOP;
      case "pool" -> HandlerThreads.POOL;
      default -> throw new IllegalArgumentException("--threads is loop or pool, not '" + value + "'");
    };
  }

  private static String name(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("--name must not be blank");
    }
    return value;
  }

  /** The address to bind; an unknown host name is the caller's mistake, named as such. */
  InetSocketAddress address() {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("--host '" + host + "' does not resolve to an address");
    }
    return address;
  }
}
