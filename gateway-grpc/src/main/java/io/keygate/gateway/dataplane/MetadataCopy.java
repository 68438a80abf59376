package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request metadata the gRPC-free authenticator reads, as plain strings: the X-Ca headers of
 * the spec (docs/signature-spec.md, section 2) and the other {@code x-ca-*} headers that {@code
 * x-ca-signature-headers} names. The authenticator reads nothing else: an {@code x-ca-*} header
 * the signature does not name, like every other header (user-agent, te, grpc-*, content-type...),
 * is not copied for every signed call only to be ignored.
 *
 * <p>Each wanted header is looked up by name ({@link Metadata#getAll}); the metadata's names are
 * not listed ({@link Metadata#keys} makes a set and a String of every name a call carries), and
 * at most {@link #MAX_NAMED} names of the list are looked up, whatever its length: the
 * authenticator refuses a longer list.
 */
final class MetadataCopy {
  private static final String SIGNATURE_PREFIX = "x-ca-";
  private static final String SIGNATURE_HEADERS = "x-ca-signature-headers";
  /** One more than the spec allows (16), so that the authenticator still sees a list too long. */
  static final int MAX_NAMED = 17;
  /**
   * The keys of the names every signed call sends (docs/signature-spec.md), made once: making a
   * key checks and encodes its name. Names the signature lists besides get a key each time.
   */
  private static final List<Metadata.Key<String>> SPEC_KEYS = keysOf(
      "x-ca-key", "x-ca-timestamp", "x-ca-nonce", "x-ca-content-sha256", "x-ca-signature",
      "x-ca-signature-method", SIGNATURE_HEADERS, "x-ca-signature-version");

  private MetadataCopy() {}

  static Map<String, List<String>> signatureEntries(Metadata headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Metadata.Key<String> spec : SPEC_KEYS) {
      copy(headers, spec.name(), spec, out);
    }
    List<String> named = out.get(SIGNATURE_HEADERS);
    if (named != null && named.size() == 1) {
      copyNamed(headers, named.get(0), out);
    }
    return out;
  }

  /** The headers {@code list} (a comma-separated x-ca-signature-headers value) names, not yet copied. */
  private static void copyNamed(Metadata headers, String list, Map<String, List<String>> out) {
    int looked = 0;
    int from = 0;
    while (from <= list.length() && looked < MAX_NAMED) {
      int comma = list.indexOf(',', from);
      int to = comma < 0 ? list.length() : comma;
      String name = list.substring(from, to);
      looked++;
      if (!out.containsKey(name) && isCopyableName(name)) {
        copy(headers, name, Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), out);
      }
      if (comma < 0) {
        break;
      }
      from = comma + 1;
    }
  }

  /**
   * An {@code x-ca-*} name as gRPC holds names (lower-case letters, digits, {@code -_.}), not
   * binary: the only names a signature may list. Any other the authenticator refuses by itself.
   */
  private static boolean isCopyableName(String name) {
    if (name.length() <= SIGNATURE_PREFIX.length() || !name.startsWith(SIGNATURE_PREFIX)
        || name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
      return false;
    }
    for (int i = SIGNATURE_PREFIX.length(); i < name.length(); i++) {
      char c = name.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) {
        return false;
      }
    }
    return true;
  }

  private static void copy(
      Metadata headers, String name, Metadata.Key<String> key, Map<String, List<String>> out) {
    Iterable<String> values = headers.getAll(key);
    if (values != null) {
      out.put(name, listOf(values));
    }
  }

  private static List<Metadata.Key<String>> keysOf(String... names) {
    List<Metadata.Key<String>> keys = new ArrayList<>();
    for (String name : names) {
      keys.add(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    }
    return List.copyOf(keys);
  }

  /** Unmodifiable, so the authenticator keeps it as it is; one value (the usual case) is List.of. */
  private static List<String> listOf(Iterable<String> values) {
    Iterator<String> it = values.iterator();
    if (!it.hasNext()) {
      return List.of();
    }
    String first = it.next();
    if (!it.hasNext()) {
      return List.of(first);
    }
    List<String> all = new ArrayList<>();
    all.add(first);
    it.forEachRemaining(all::add);
    return List.copyOf(all);
  }
}
