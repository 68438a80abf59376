package io.keygate.gateway.model;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a backend listens: one name that DNS resolves (to one or several instances), or an
 * explicit list of instances. The one place where the text an operator registers is checked
 * ({@link #parse}): the store checks it at write time and the proxy dials what it parses, so a
 * target the store accepts is a target the proxy can call.
 *
 * <p>These forms are accepted, and nothing else:
 *
 * <ul>
 *   <li>{@code host:port}: a DNS name or an IPv4 literal, e.g. {@code backend.internal:8443};
 *   <li>{@code [ipv6]:port}: an IPv6 literal in brackets, e.g. {@code [::1]:8080};
 *   <li>{@code dns:///host:port} or {@code dns:///[ipv6]:port}: the same, with grpc's scheme;
 *   <li>{@code list:///10.0.0.1:8080,10.0.0.2:8080,[fd00::3]:8080}: 1 to {@value #MAX_INSTANCES}
 *       instances, IP literals only, separated by commas, no spaces, no repeats.
 * </ul>
 *
 * <p>The first three are {@link Form#DNS} and resolve alike, through grpc's DNS resolver (which
 * takes IP literals as they are), so {@code dns:///b:80} and {@code b:80} name the same backend
 * and parse to equal values; every address the name resolves to is an instance. A {@link
 * Form#LIST} needs no lookup (a name with several addresses is what the DNS form is for), so its
 * instances are exactly the ones written, and an officer who allows the text allows exactly those
 * addresses. Other grpc target syntax is refused on purpose ({@code unix:}, {@code xds:}, {@code
 * dns://server/…} with its own DNS server): configuration must not point the gateway at local
 * sockets or at name resolvers of the operator's choosing. Ports are 1–65535, written without a
 * sign or leading zero. The whole text is at most {@value #MAX_LENGTH} characters (the stored
 * column), which holds about eleven IPv4 instances with long addresses and ports.
 *
 * @param form how the instances are found
 * @param addresses the DNS form's one name (or literal); the list form's instances, in order
 */
public record BackendTarget(Form form, List<BackendAddress> addresses) {
  /** The stored text's limit (the {@code apis.backend_target} column). */
  public static final int MAX_LENGTH = 255;

  /** The most instances a list may name. */
  public static final int MAX_INSTANCES = 16;

  private static final String DNS_SCHEME = "dns:///";
  private static final String LIST_SCHEME = "list:///";

  /** How a target's instances are found. */
  public enum Form {
    /** One name (or IP literal), resolved by grpc's DNS resolver; every address is an instance. */
    DNS,
    /** A fixed list of IP literals, resolved by the gateway's own list resolver. */
    LIST
  }

  /**
   * @throws InvalidValueException if the DNS form has other than one address, or a list is empty,
   *     too long, repeats an address or names a host that is not an IP literal
   */
  public BackendTarget {
    Objects.requireNonNull(form, "form");
    addresses = List.copyOf(addresses);
    if (form == Form.DNS && addresses.size() != 1) {
      throw invalid("the dns form names exactly one host:port");
    }
    if (form == Form.LIST) {
      checkList(addresses);
    }
  }

  /** The DNS form: {@code host:port}, resolved by grpc's DNS resolver. */
  public BackendTarget(String host, int port) {
    this(Form.DNS, List.of(new BackendAddress(host, port)));
  }

  /** The list form: exactly these instances. */
  public static BackendTarget list(List<BackendAddress> instances) {
    return new BackendTarget(Form.LIST, instances);
  }

  /**
   * Parses {@code host:port}, {@code [ipv6]:port}, {@code dns:///host:port}, {@code
   * dns:///[ipv6]:port} or {@code list:///address,address,…}.
   *
   * @throws InvalidValueException for anything else; the message says what is wrong (for the
   *     log) and never repeats the text
   */
  public static BackendTarget parse(String text) {
    Objects.requireNonNull(text, "backend target");
    if (text.isEmpty() || text.length() > MAX_LENGTH) {
      throw invalid("must be 1-" + MAX_LENGTH + " characters");
    }
    if (text.startsWith("list:/")) { // a host called "list" on port 80 is still list:80
      if (!text.startsWith(LIST_SCHEME)) {
        throw invalid("the list scheme is accepted only as list:///address,address,...");
      }
      return parseList(text.substring(LIST_SCHEME.length()));
    }
    String hostAndPort = text;
    if (text.startsWith("dns:/")) {
      if (!text.startsWith(DNS_SCHEME)) {
        // dns://8.8.8.8/b:80 would let configuration choose the DNS server.
        throw invalid("the dns scheme is accepted only as dns:///host:port");
      }
      hostAndPort = text.substring(DNS_SCHEME.length());
    }
    return new BackendTarget(Form.DNS, List.of(BackendAddress.parse(hostAndPort)));
  }

  private static BackendTarget parseList(String body) {
    if (body.isEmpty()) {
      throw invalid("a list names at least one address");
    }
    String[] entries = body.split(",", -1);
    if (entries.length > MAX_INSTANCES) {
      throw invalid("a list names at most " + MAX_INSTANCES + " addresses");
    }
    List<BackendAddress> instances = new ArrayList<>(entries.length);
    for (int i = 0; i < entries.length; i++) {
      if (entries[i].isEmpty()) {
        throw invalid("entry " + (i + 1) + " of the list is empty");
      }
      try {
        instances.add(BackendAddress.parse(entries[i]));
      } catch (InvalidValueException e) {
        throw invalid("entry " + (i + 1) + " of the list: " + reason(e));
      }
    }
    return list(instances);
  }

  private static void checkList(List<BackendAddress> addresses) {
    if (addresses.isEmpty() || addresses.size() > MAX_INSTANCES) {
      throw invalid("a list names 1-" + MAX_INSTANCES + " addresses");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < addresses.size(); i++) {
      BackendAddress a = addresses.get(i);
      if (!a.isIpLiteral()) {
        throw invalid("entry " + (i + 1) + " of the list is not an IP literal"
            + " (a name with several addresses is written host:port, the dns form)");
      }
      if (!seen.add(canonical(a))) {
        throw invalid("entry " + (i + 1) + " of the list repeats an earlier address");
      }
    }
  }

  /** [::1]:80 and [0:0::1]:80 are one instance: compare the address bytes, not the spelling. */
  private static String canonical(BackendAddress a) {
    try {
      // An IP literal: InetAddress parses it without any lookup.
      return InetAddress.getByName(a.host()).getHostAddress() + "#" + a.port();
    } catch (UnknownHostException e) {
      throw invalid("not an IP literal");
    }
  }

  /** The DNS form's host; a list's first instance's. */
  public String host() {
    return addresses.get(0).host();
  }

  /** The DNS form's port; a list's first instance's. */
  public int port() {
    return addresses.get(0).port();
  }

  /**
   * The authority the backend sees, {@code host:port} or {@code [ipv6]:port}: a list's first
   * instance's (a channel has one authority; every instance of a list serves the same API).
   */
  public String authority() {
    return addresses.get(0).authority();
  }

  /**
   * The target string to give grpc. The DNS form always has the {@code dns:///} scheme spelled
   * out, so grpc never reads a host name as a scheme of its own (a host called {@code unix} on port
   * 80 would otherwise be the target {@code unix:80}). grpc parses targets as RFC 3986 URIs, where
   * brackets may not appear in a path, so an IPv6 literal's brackets are percent-encoded: {@code
   * dns:///%5B::1%5D:8080}, which grpc's DNS resolver decodes to {@code [::1]:8080}. The list form
   * is {@code list:///…} for the gateway's own resolver, which reads this value, not the string.
   */
  public String grpcTarget() {
    String scheme = form == Form.DNS ? DNS_SCHEME : LIST_SCHEME;
    return scheme
        + addresses.stream().map(BackendAddress::uriPath).collect(Collectors.joining(","));
  }

  /** The canonical text, which parses back to this value: the authority, or the list. */
  @Override
  public String toString() {
    if (form == Form.DNS) {
      return authority();
    }
    return LIST_SCHEME
        + addresses.stream().map(BackendAddress::authority).collect(Collectors.joining(","));
  }

  private static String reason(InvalidValueException e) {
    String prefix = "backend target: ";
    String message = e.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  static InvalidValueException invalid(String why) {
    return new InvalidValueException("backend target: " + why);
  }
}
