package io.keygate.gateway.audit;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One line of an {@link AuditHeadSink}: a signed head as text a person can read and a verifier can
 * parse, e.g.
 *
 * <pre>
 * keygate-audit-head-v1 seq=12 hash=cc0e…c8 signed_at=1795694460000 time=2026-11-26T12:01:00Z
 *   key=audit-signing signature=3045…   (one line)
 * </pre>
 *
 * {@code time} is {@code signed_at} for people; only {@code signed_at} is signed and parsed.
 */
final class ExportedHead {
  static final String PREFIX = "keygate-audit-head-v1";

  private ExportedHead() {}

  static String format(SignedHead h) {
    return PREFIX
        + " seq=" + h.seq()
        + " hash=" + h.hash()
        + " signed_at=" + h.signedAt().toEpochMilli()
        + " time=" + h.signedAt()
        + " key=" + h.keyLabel().value()
        + " signature=" + h.signature();
  }

  /** The head a line holds, or empty if it is not a well-formed line (junk, cut off). */
  static Optional<StoredSignedHead> parse(String line) {
    String[] parts = line.trim().split(" ");
    if (parts.length != 7 || !parts[0].equals(PREFIX)) {
      return Optional.empty();
    }
    Map<String, String> fields = new HashMap<>();
    for (int i = 1; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0 || fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1)) != null) {
        return Optional.empty();
      }
    }
    try {
      String hash = fields.get("hash");
      String signature = fields.get("signature");
      String key = fields.get("key");
      if (hash == null || signature == null || key == null || RecordHash.parse(hash) == null) {
        return Optional.empty();
      }
      return Optional.of(
          new StoredSignedHead(
              Long.parseLong(fields.get("seq")),
              hash,
              signature,
              Long.parseLong(fields.get("signed_at")),
              key));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** The highest-seq well-formed line of the sink (not checked: the signer only compares). */
  static Optional<StoredSignedHead> latest(AuditHeadSink sink) throws AuditException {
    try (Stream<String> lines = sink.lines()) {
      return lines
          .map(ExportedHead::parse)
          .flatMap(Optional::stream)
          .reduce((a, b) -> b.seq() >= a.seq() ? b : a);
    } catch (java.io.UncheckedIOException e) {
      throw new AuditException("cannot read " + sink.name() + ": " + e.getCause(), e);
    }
  }

  static String describe(StoredSignedHead h, AuditHeadSink sink) {
    return "the head exported to "
        + sink.name()
        + " (key "
        + h.keyLabel()
        + ", signed at "
        + Instant.ofEpochMilli(h.signedAtMillis())
        + ")";
  }
}
