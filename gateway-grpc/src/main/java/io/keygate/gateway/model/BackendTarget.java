package io.keygate.gateway.model;

import java.util.Objects;

/**
 * Where a backend listens: a host name or IP literal and a port. Deliberately not a free-form
 * grpc target string ({@code dns:///…}, {@code unix:…}): configuration should not be able to
 * point the gateway at arbitrary name resolvers or local sockets.
 *
 * @param host a DNS name, IPv4 literal or IPv6 literal (without brackets)
 * @param port 1–65535
 */
public record BackendTarget(String host, int port) {

  public BackendTarget {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty() || !host.chars().allMatch(BackendTarget::isHostChar)) {
      throw new IllegalArgumentException("not a host name or IP literal: '" + host + "'");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
  }

  /** Parses {@code host:port} or {@code [ipv6]:port}. */
  public static BackendTarget parse(String hostAndPort) {
    Objects.requireNonNull(hostAndPort, "hostAndPort");
    String host;
    String port;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf("]:");
      if (close < 0) {
        throw new IllegalArgumentException("expected [ipv6]:port, got '" + hostAndPort + "'");
      }
      host = hostAndPort.substring(1, close);
      port = hostAndPort.substring(close + 2);
    } else {
      int colon = hostAndPort.lastIndexOf(':');
      if (colon < 0 || hostAndPort.indexOf(':') != colon) {
        throw new IllegalArgumentException("expected host:port, got '" + hostAndPort + "'");
      }
      host = hostAndPort.substring(0, colon);
      port = hostAndPort.substring(colon + 1);
    }
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException("not a port number in '" + hostAndPort + "'");
    }
    return new BackendTarget(host, Integer.parseInt(port));
  }

  /** The authority form, {@code host:port} or {@code [ipv6]:port}. */
  public String authority() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }

  private static boolean isHostChar(int c) {
    // Letters, digits, '.', '-' for names and IPv4; ':' and hex digits for IPv6 literals.
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '-'
        || c == ':';
  }
}
