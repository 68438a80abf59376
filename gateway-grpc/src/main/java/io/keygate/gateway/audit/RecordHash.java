package io.keygate.gateway.audit;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash chain's record hash, byte for byte as docs/audit.md specifies it so that an auditor can
 * re-implement it:
 *
 * <pre>
 * hash = SHA-256( prev_hash (32 bytes) || encoding )
 * encoding = 0x01 (format version)
 *         || seq (8 bytes, big-endian)
 *         || event_time (8 bytes, big-endian, ms since the epoch)
 *         || str(actor) || str(role) || str(action) || str(target)
 *         || str(outcome) || str(request_id) || str(detail)
 * str(s) = length of UTF-8(s) (4 bytes, big-endian) || UTF-8(s)
 * </pre>
 *
 * Every variable-length field carries its length, so no two different records encode alike
 * ("ab"+"c" vs "a"+"bc"); the seq is inside the hash so a record cannot be moved to another
 * position without its hash changing.
 */
public final class RecordHash {
  static final int LENGTH = 32;
  static final byte FORMAT_VERSION = 1;

  /** What the first record chains from. */
  static final byte[] ZERO = new byte[LENGTH];

  static final String ZERO_HEX = HexFormat.of().formatHex(ZERO);

  private RecordHash() {}

  /** The hash of a record with these stored values, chained from {@code prevHash}. */
  static byte[] compute(byte[] prevHash, long seq, long eventTimeMillis, String... fields) {
    if (prevHash.length != LENGTH) {
      throw new IllegalArgumentException("prev hash must be 32 bytes");
    }
    if (fields.length != 7) {
      throw new IllegalArgumentException("a record has 7 text fields");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(prevHash);
    out.write(FORMAT_VERSION);
    out.writeBytes(ByteBuffer.allocate(16).putLong(seq).putLong(eventTimeMillis).array());
    for (String field : fields) {
      byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(ByteBuffer.allocate(4).putInt(utf8.length).array());
      out.writeBytes(utf8);
    }
    return sha256(out.toByteArray());
  }

  static byte[] sha256(byte[] data) {
    try {
      // SUN's SHA-256 by name: a pure software digest, no provider order question worth asking.
      return MessageDigest.getInstance("SHA-256", "SUN").digest(data);
    } catch (NoSuchAlgorithmException | java.security.NoSuchProviderException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** Parses a stored hash; empty-handed (null) if it is not 64 hex digits. */
  public static byte[] parse(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      return null;
    }
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public static String hex(byte[] hash) {
    return HexFormat.of().formatHex(hash);
  }
}
