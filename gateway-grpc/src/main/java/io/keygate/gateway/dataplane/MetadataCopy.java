package io.keygate.gateway.dataplane;

import io.grpc.Metadata;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The ASCII (non-binary) request metadata as plain strings, for the gRPC-free authenticator. */
final class MetadataCopy {
  private MetadataCopy() {}

  static Map<String, List<String>> asciiEntries(Metadata headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String name : headers.keys()) {
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX) || name.startsWith(":")) {
        continue;
      }
      Iterable<String> values = headers.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
      if (values != null) {
        List<String> list = new java.util.ArrayList<>();
        values.forEach(list::add);
        out.put(name, list);
      }
    }
    return out;
  }
}
