package io.keygate.gateway.proxy;

import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which metadata crosses the gateway. An allowlist: a name not allowed by a rule below is dropped.
 *
 * <p>Rules no setting can relax:
 *
 * <ul>
 *   <li>{@code x-ca-*} never crosses in either direction: it is the caller's signature material
 *       on the way in, and the gateway's own error codes on the way out (a backend must not be
 *       able to fake them).
 *   <li>Transport and hop-by-hop headers never cross: pseudo-headers ({@code :*}), {@code grpc-*}
 *       (timeout, encoding, status: each hop sets its own), {@code te}, {@code content-type},
 *       {@code content-length}, {@code user-agent} (the backend channel sends the gateway's),
 *       {@code host}, {@code connection}, {@code keep-alive}, {@code proxy-connection}, {@code
 *       transfer-encoding}, {@code upgrade}. One exception on the way out: {@code
 *       grpc-status-details-bin} carries a backend's rich error details and is forwarded.
 *   <li>Names under a gateway prefix (default {@code x-keygate-}) are stripped from what the
 *       client sends; only the gateway adds them ({@link GatewayHeaders}), so a backend can trust
 *       them.
 * </ul>
 *
 * <p>Allowed: application headers {@code x-*} not excluded above, both ways, plus the names
 * listed in {@code requestNames} / {@code responseNames} (e.g. {@code authorization} or {@code
 * traceparent}, if a deployment wants them).
 *
 * @param requestNames extra lower-case names forwarded from client to backend
 * @param responseNames extra lower-case names forwarded from backend to client
 * @param gatewayPrefixes lower-case prefixes reserved for headers the gateway adds
 */
public record MetadataPolicy(
    Set<String> requestNames, Set<String> responseNames, List<String> gatewayPrefixes) {

  private static final String APPLICATION_PREFIX = "x-";
  private static final String AUTH_PREFIX = "x-ca-";
  private static final List<String> TRANSPORT_PREFIXES = List.of(":", "grpc-");
  private static final Set<String> TRANSPORT_NAMES =
      Set.of(
          "te",
          "content-type",
          "content-length",
          "user-agent",
          "host",
          "connection",
          "keep-alive",
          "proxy-connection",
          "transfer-encoding",
          "upgrade");
  private static final String STATUS_DETAILS = "grpc-status-details-bin";

  public MetadataPolicy {
    requestNames = checkedNames(requestNames);
    responseNames = checkedNames(responseNames);
    List<String> prefixes = new ArrayList<>();
    for (String prefix : gatewayPrefixes) {
      String p = prefix.toLowerCase(Locale.ROOT);
      if (!p.startsWith(APPLICATION_PREFIX) || p.startsWith(AUTH_PREFIX) || p.length() < 3) {
        throw new IllegalArgumentException(
            "a gateway prefix must be x-<something>, not x-ca-: '" + prefix + "'");
      }
      prefixes.add(p);
    }
    gatewayPrefixes = List.copyOf(prefixes);
  }

  /** Application headers ({@code x-*}) only; gateway headers under {@code x-keygate-}. */
  public static MetadataPolicy defaults() {
    return new MetadataPolicy(Set.of(), Set.of(), List.of("x-keygate-"));
  }

  /** This policy, also forwarding {@code name} from client to backend. */
  public MetadataPolicy withRequestName(String name) {
    Set<String> names = new TreeSet<>(requestNames);
    names.add(name.toLowerCase(Locale.ROOT));
    return new MetadataPolicy(names, responseNames, gatewayPrefixes);
  }

  /** This policy, also forwarding {@code name} from backend to client. */
  public MetadataPolicy withResponseName(String name) {
    Set<String> names = new TreeSet<>(responseNames);
    names.add(name.toLowerCase(Locale.ROOT));
    return new MetadataPolicy(requestNames, names, gatewayPrefixes);
  }

  /** Whether a header the client sent reaches the backend. */
  public boolean forwardsRequest(String name) {
    if (isNeverForwarded(name) || isGatewayOwned(name)) {
      return false;
    }
    return name.startsWith(APPLICATION_PREFIX) || requestNames.contains(name);
  }

  /**
   * Whether a header or trailer the backend sent reaches the client. Names under a gateway prefix
   * never do: the gateway tells its client the request id and error code under them (spec revision 2.1),
   * and a backend must not be able to choose either.
   */
  public boolean forwardsResponse(String name) {
    if (name.equals(STATUS_DETAILS)) {
      return true;
    }
    if (isNeverForwarded(name) || isGatewayOwned(name)) {
      return false;
    }
    return name.startsWith(APPLICATION_PREFIX) || responseNames.contains(name);
  }

  /**
   * The headers for the backend: what the client sent, filtered, plus the gateway's own.
   *
   * @throws IllegalArgumentException if a gateway header is not under a gateway prefix: a client
   *     could then send the same name and the backend could not tell the two apart
   */
  public Metadata requestHeaders(Metadata fromClient, Metadata fromGateway) {
    for (String name : fromGateway.keys()) {
      if (!isGatewayOwned(name)) {
        throw new IllegalArgumentException(
            "gateway header '" + name + "' is not under a gateway prefix " + gatewayPrefixes);
      }
    }
    Metadata out = new Metadata();
    for (String name : fromClient.keys()) {
      if (forwardsRequest(name)) {
        copy(name, fromClient, out);
      }
    }
    out.merge(fromGateway);
    return out;
  }

  /** The backend's response headers or trailers, filtered for the client. */
  public Metadata responseMetadata(Metadata fromBackend) {
    Metadata out = new Metadata();
    for (String name : fromBackend.keys()) {
      if (forwardsResponse(name)) {
        copy(name, fromBackend, out);
      }
    }
    return out;
  }

  private boolean isGatewayOwned(String name) {
    for (String prefix : gatewayPrefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNeverForwarded(String name) {
    if (name.startsWith(AUTH_PREFIX) || TRANSPORT_NAMES.contains(name)) {
      return true;
    }
    for (String prefix : TRANSPORT_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> checkedNames(Set<String> names) {
    // Sorted, so toString() and equality read the same however the set was built.
    Set<String> checked = new TreeSet<>();
    for (String name : names) {
      checked.add(checkedName(name));
    }
    return Collections.unmodifiableSet(checked);
  }

  private static String checkedName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (isNeverForwarded(n)) {
      throw new IllegalArgumentException("'" + name + "' may never be forwarded");
    }
    // Metadata.Key rejects characters that cannot appear in a metadata name.
    if (n.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      Metadata.Key.of(n, Metadata.BINARY_BYTE_MARSHALLER);
    } else {
      Metadata.Key.of(n, Metadata.ASCII_STRING_MARSHALLER);
    }
    return n;
  }

  private static void copy(String name, Metadata from, Metadata to) {
    if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      Metadata.Key<byte[]> key = Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER);
      for (byte[] value : from.getAll(key)) {
        to.put(key, value);
      }
    } else {
      Metadata.Key<String> key = Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
      for (String value : from.getAll(key)) {
        to.put(key, value);
      }
    }
  }
}
