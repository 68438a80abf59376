package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The request metadata the gRPC-free authenticator reads, as plain strings: the ASCII (non-binary)
 * {@code x-ca-*} entries. Nothing else is signed or read by it (every header the signature names
 * is an {@code x-ca-*} one, docs/signature-spec.md), so the rest (user-agent, te, grpc-*,
 * content-type...) is not copied for every signed call only to be ignored.
 */
final class MetadataCopy {
  private static final String SIGNATURE_PREFIX = "x-ca-";
  /**
   * The keys of the names every signed call sends (docs/signature-spec.md), made once: making a
   * key checks and encodes its name, eight times a signed call. Other names get a key each time.
   */
  private static final Map<String, Metadata.Key<String>> SPEC_KEYS = keysOf(
      "x-ca-key", "x-ca-timestamp", "x-ca-nonce", "x-ca-content-sha256", "x-ca-signature",
      "x-ca-signature-method", "x-ca-signature-headers", "x-ca-signature-version");

  private MetadataCopy() {}

  static Map<String, List<String>> signatureEntries(Metadata headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : headers.keys()) {
      // Case-insensitive, as the authenticator lower-cases names (grpc's are lower-case already).
      if (!name.regionMatches(true, 0, SIGNATURE_PREFIX, 0, SIGNATURE_PREFIX.length())
          || name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        continue;
      }
      Metadata.Key<String> key = SPEC_KEYS.get(name);
      Iterable<String> values = headers.getAll(
          key != null ? key : Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
      if (values != null) {
        out.put(name, listOf(values));
      }
    }
    return out;
  }

  private static Map<String, Metadata.Key<String>> keysOf(String... names) {
    Map<String, Metadata.Key<String>> keys = new HashMap<>();
    for (String name : names) {
      keys.put(name, Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
    }
    return Map.copyOf(keys);
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
