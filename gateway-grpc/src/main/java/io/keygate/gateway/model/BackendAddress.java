package io.keygate.gateway.model;

import java.util.Objects;

/**
 * One {@code host:port} of a {@link BackendTarget}: a DNS name, an IPv4 literal or an IPv6 literal
 * (kept without brackets), and a port 1–65535. Checked when made, so a value that exists is one
 * grpc can dial.
 *
 * @param host a DNS name, IPv4 literal or IPv6 literal (without brackets)
 * @param port 1–65535
 */
public record BackendAddress(String host, int port) {
  private static final int MAX_HOST_NAME = 253;
  private static final int MAX_LABEL = 63;
  private static final int MAX_IPV6 = 45;

  /**
   * @throws InvalidValueException if {@code host} is not a host name, IPv4 or IPv6 literal, or
   *     {@code port} is out of range
   */
  public BackendAddress {
    Objects.requireNonNull(host, "host");
    boolean valid = host.indexOf(':') >= 0 ? isIpv6(host) : isHostNameOrIpv4(host);
    if (!valid) {
      throw BackendTarget.invalid("the host is not a DNS name, an IPv4 literal or an IPv6 literal");
    }
    if (port < 1 || port > 65_535) {
      throw BackendTarget.invalid("the port must be 1-65535");
    }
  }

  /** Parses {@code host:port} or {@code [ipv6]:port}; the message never repeats the text. */
  static BackendAddress parse(String hostAndPort) {
    String host;
    String port;
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf("]:");
      if (close < 0) {
        throw BackendTarget.invalid("an IPv6 literal must be written [address]:port");
      }
      host = hostAndPort.substring(1, close);
      port = hostAndPort.substring(close + 2);
      if (host.indexOf(':') < 0) {
        throw BackendTarget.invalid("brackets are only for IPv6 literals");
      }
    } else {
      int colon = hostAndPort.lastIndexOf(':');
      if (colon < 0) {
        throw BackendTarget.invalid(
            "must be host:port, [ipv6]:port or dns:///host:port (no port found)");
      }
      if (hostAndPort.indexOf(':') != colon) {
        throw BackendTarget.invalid(
            "only the dns:/// and list:/// schemes are supported, and IPv6 literals need brackets");
      }
      host = hostAndPort.substring(0, colon);
      port = hostAndPort.substring(colon + 1);
    }
    return new BackendAddress(host, port(port));
  }

  /** Whether the host is an IP literal (v4 or v6), which needs no name resolution. */
  public boolean isIpLiteral() {
    return host.indexOf(':') >= 0 || isIpv4(host);
  }

  /** The authority form, {@code host:port} or {@code [ipv6]:port}. */
  public String authority() {
    return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
  }

  /**
   * As it may appear in a grpc target's path: grpc parses targets as RFC 3986 URIs, where brackets
   * may not appear in a path, so an IPv6 literal's brackets are percent-encoded ({@code
   * %5B::1%5D:8080}, which grpc's DNS resolver decodes to {@code [::1]:8080}).
   */
  String uriPath() {
    return host.indexOf(':') >= 0 ? "%5B" + host + "%5D:" + port : host + ":" + port;
  }

  @Override
  public String toString() {
    return authority();
  }

  private static int port(String text) {
    if (text.isEmpty()
        || text.length() > 5
        || text.charAt(0) == '0'
        || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw BackendTarget.invalid("the port must be a number 1-65535");
    }
    return Integer.parseInt(text); // at most 99999: the constructor checks the range
  }

  /** RFC 1123 names: dot-separated labels of letters, digits and inner hyphens. */
  private static boolean isHostNameOrIpv4(String host) {
    if (host.isEmpty() || host.length() > MAX_HOST_NAME) {
      return false;
    }
    String[] labels = host.split("\\.", -1);
    for (String label : labels) {
      if (label.isEmpty()
          || label.length() > MAX_LABEL
          || label.startsWith("-")
          || label.endsWith("-")
          || !label.chars().allMatch(BackendAddress::isLabelChar)) {
        return false;
      }
    }
    // No top-level domain is all digits (RFC 3696), so such a host must be a dotted quad.
    return !isDigits(labels[labels.length - 1]) || isIpv4(host);
  }

  private static boolean isIpv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !isDigits(part)
          || (part.length() > 1 && part.charAt(0) == '0')
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** RFC 4291 text form: eight hex groups, one {@code ::} for a run of zeros, an IPv4 tail. */
  private static boolean isIpv6(String text) {
    if (text.length() > MAX_IPV6) {
      return false;
    }
    int gap = text.indexOf("::");
    if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
      return false;
    }
    String head = gap >= 0 ? text.substring(0, gap) : text;
    String tail = gap >= 0 ? text.substring(gap + 2) : "";
    String joined = head.isEmpty() || tail.isEmpty() ? head + tail : head + ":" + tail;
    int groups = 0;
    if (!joined.isEmpty()) {
      String[] parts = joined.split(":", -1);
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i];
        if (i == parts.length - 1 && part.indexOf('.') >= 0) {
          if (!isIpv4(part)) {
            return false;
          }
          groups += 2;
        } else if (part.isEmpty() || part.length() > 4 || !isHex(part)) {
          return false;
        } else {
          groups++;
        }
      }
    }
    return gap >= 0 ? groups <= 7 : groups == 8;
  }

  private static boolean isLabelChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  private static boolean isHex(String s) {
    return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 0x80);
  }
}
