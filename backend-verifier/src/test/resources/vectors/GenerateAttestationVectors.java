// Writes attestation-v1.json: run with 'java GenerateAttestationVectors.java > attestation-v1.json'
// from this directory (JDK 17+, nothing else). The key pair below is a TEST key, published here
// on purpose, like an RFC's example keys: it signs the vectors and nothing else. ECDSA signatures
// are randomised, so each run writes different (equally valid) signatures; commit one run. The
// HMAC key below (bytes 0x00..0x1f) is a TEST key too; its MACs are the same every run.
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class GenerateAttestationVectors {
  static final String PRIVATE_PKCS8 = "MEECAQAwEwYHKoZIzj0CAQYIKoZIzj0DAQcEJzAlAgEBBCB+OM8kgL/cOQizy6aUsYMDRlxJjl2vMPrS6VZ8yPkCAA==";
  static final String PUBLIC_SPKI = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEOM6mkvaobdedDPsSvGkeg+iVF6r48L951FoPORmHOAE5JgHaO8DmP2NReLgETc/lUqInPY1iY2DT4QRjzYK5rg==";
  static final byte[] HMAC_KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  static final byte[] OTHER_BACKENDS_HMAC_KEY = HexFormat.of().parseHex("1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100");
  static final long NOW = 1764590400000L; // 2025-12-01T12:00:00Z
  static final String METHOD = "/keygate.demo.v1.EchoService/Echo";

  public static void main(String[] args) throws Exception {
    KeyFactory ec = KeyFactory.getInstance("EC");
    PrivateKey priv = ec.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(PRIVATE_PKCS8)));
    PublicKey pub = ec.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(PUBLIC_SPKI)));
    String keyId = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pub.getEncoded()), 0, 8);
    byte[] body = new byte[] {10, 5, 'h', 'e', 'l', 'l', 'o'}; // EchoRequest{message: "hello"}
    String digest = b64(MessageDigest.getInstance("SHA-256").digest(body));
    String emptyDigest = b64(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    List<String> cases = new ArrayList<>();
    Map<String, String> h = headers("acme", "acme-app", "echo", "req-0001", NOW, digest, keyId);
    String sts = sts(METHOD, h);
    String sig = sign(priv, sts);
    cases.add(c("valid-unary", "a unary call as the gateway forwards it", METHOD, h, sig, body, NOW, "accept", sts));
    cases.add(c("valid-skew", "signed 59 s in the future (a clock ahead): inside the 60 s window", METHOD,
        h2(h, "x-keygate-request-id", "req-0002"), sign(priv, sts(METHOD, h2(h, "x-keygate-request-id", "req-0002"))), body, NOW - 59_000, "accept",
        sts(METHOD, h2(h, "x-keygate-request-id", "req-0002"))));
    Map<String, String> he = headers("acme", "acme-app", "echo", "req-0003", NOW, emptyDigest, keyId);
    cases.add(c("valid-no-message", "a call that half-closed without a message: the digest of no bytes", METHOD, he,
        sign(priv, sts(METHOD, he)), new byte[0], NOW, "accept", sts(METHOD, he)));
    cases.add(c("tenant-changed", "the tenant header changed after signing", METHOD, h2(h, "x-keygate-tenant", "globex"), sig, body, NOW, "AttestationInvalid", null));
    cases.add(c("app-changed", "the app header changed after signing", METHOD, h2(h, "x-keygate-app", "other-app"), sig, body, NOW, "AttestationInvalid", null));
    cases.add(c("api-changed", "the API header changed after signing", METHOD, h2(h, "x-keygate-api", "admin"), sig, body, NOW, "AttestationInvalid", null));
    cases.add(c("method-changed", "the same headers on another method", "/keygate.demo.v1.EchoService/Collect", h, sig, body, NOW, "AttestationInvalid", null));
    cases.add(c("digest-changed", "the digest header changed to match another body", METHOD, h2(h, "x-keygate-content-sha256", emptyDigest), sig, body, NOW, "AttestationInvalid", null));
    cases.add(c("timestamp-changed", "the timestamp moved by 1 ms", METHOD, h2(h, "x-keygate-timestamp", Long.toString(NOW + 1)), sig, body, NOW, "AttestationInvalid", null));
    cases.add(c("body-changed", "the headers intact, another first message", METHOD, h, sig, new byte[] {10, 5, 'h', 'e', 'l', 'l', 'O'}, NOW, "AttestationBodyMismatch", sts));
    cases.add(c("expired", "received 61 s after signing: outside the 60 s window", METHOD, h, sig, body, NOW + 61_000, "AttestationExpired", null));
    cases.add(c("key-unknown", "a key id the backend does not trust", METHOD, h2(h, "x-keygate-attestation-key", "0000000000000000"), sig, body, NOW, "AttestationKeyUnknown", null));
    cases.add(c("signature-missing", "no signature header: a call that bypassed the gateway", METHOD, without(h, "x-keygate-attestation"), null, body, NOW, "AttestationMissing", null));
    cases.add(c("tenant-missing", "no tenant header", METHOD, without(h, "x-keygate-tenant"), sig, body, NOW, "AttestationMissing", null));
    cases.add(c("timestamp-not-canonical", "a timestamp with a leading zero", METHOD, h2(h, "x-keygate-timestamp", "0" + NOW), sig, body, NOW, "AttestationMalformed", null));
    cases.add(c("signature-not-base64", "the signature is not base64", METHOD, h, "%%%", body, NOW, "AttestationMalformed", null));
    cases.add(c("signature-not-der", "a signature of the right size that is not DER", METHOD, h, b64(new byte[70]), body, NOW, "AttestationInvalid", null));
    cases.add(c("digest-short", "a digest of 31 bytes", METHOD, h2(h, "x-keygate-content-sha256", b64(new byte[31])), sig, body, NOW, "AttestationMalformed", null));
    // HMAC-SHA256, the per-backend option: same headers and text, the key id names an HMAC key.
    String hmacId = hmacKeyId(HMAC_KEY);
    Map<String, String> m = headers("acme", "acme-app", "echo", "req-0101", NOW, digest, hmacId);
    String msts = sts(METHOD, m);
    String mac = b64(hmac(HMAC_KEY, msts));
    cases.add(c("hmac-valid-unary", "HMAC: a unary call as the gateway forwards it", METHOD, m, mac, body, NOW, "accept", msts));
    Map<String, String> me = headers("acme", "acme-app", "echo", "req-0102", NOW, emptyDigest, hmacId);
    cases.add(c("hmac-valid-no-message", "HMAC: a call that half-closed without a message", METHOD, me,
        b64(hmac(HMAC_KEY, sts(METHOD, me))), new byte[0], NOW, "accept", sts(METHOD, me)));
    cases.add(c("hmac-tenant-changed", "HMAC: the tenant header changed after the MAC", METHOD, h2(m, "x-keygate-tenant", "globex"), mac, body, NOW, "AttestationInvalid", null));
    cases.add(c("hmac-request-id-changed", "HMAC: the request id changed after the MAC", METHOD, h2(m, "x-keygate-request-id", "req-0199"), mac, body, NOW, "AttestationInvalid", null));
    cases.add(c("hmac-body-changed", "HMAC: the headers intact, another first message", METHOD, m, mac, new byte[] {10, 5, 'h', 'e', 'l', 'l', 'O'}, NOW, "AttestationBodyMismatch", msts));
    cases.add(c("hmac-expired", "HMAC: received 61 s after the MAC", METHOD, m, mac, body, NOW + 61_000, "AttestationExpired", null));
    cases.add(c("hmac-other-backends-key", "HMAC: MACed with another backend's key, naming this backend's key id", METHOD, m,
        b64(hmac(OTHER_BACKENDS_HMAC_KEY, msts)), body, NOW, "AttestationInvalid", null));
    cases.add(c("hmac-other-backends-key-id", "HMAC: MACed with another backend's key, naming that key's id", METHOD,
        h2(m, "x-keygate-attestation-key", hmacKeyId(OTHER_BACKENDS_HMAC_KEY)),
        b64(hmac(OTHER_BACKENDS_HMAC_KEY, msts)), body, NOW, "AttestationKeyUnknown", null));
    cases.add(c("hmac-truncated", "HMAC: the first 16 bytes of the right MAC", METHOD, m,
        b64(java.util.Arrays.copyOf(hmac(HMAC_KEY, msts), 16)), body, NOW, "AttestationInvalid", null));
    cases.add(c("hmac-ecdsa-signature", "HMAC key id with a valid ECDSA signature of the same text", METHOD, m,
        sign(priv, msts), body, NOW, "AttestationInvalid", null));
    cases.add(c("ecdsa-key-id-with-mac", "the ECDSA key id with the HMAC of the same text", METHOD,
        h2(m, "x-keygate-attestation-key", keyId), mac, body, NOW, "AttestationInvalid", null));
    System.out.println("{\n  \"comment\": \"Keygate backend attestation v1 vectors (docs/backend-attestation.md). Window 60 s. Each case: the headers a backend receives (x-keygate-attestation added unless null), the first message, the backend's clock, and the expected outcome: accept or a stable error code. string_to_sign, where given, is the exact signed text. A backend trusts both keys: the ECDSA P-256 public key and the HMAC-SHA256 key (hmac_key_b64, 32 bytes); the key id header says which verifies.\",\n  \"public_key_spki\": \"" + PUBLIC_SPKI + "\",\n  \"key_id\": \"" + keyId + "\",\n  \"hmac_key_b64\": \"" + b64(HMAC_KEY) + "\",\n  \"hmac_key_id\": \"" + hmacId + "\",\n  \"window_ms\": 60000,\n  \"cases\": [\n" + String.join(",\n", cases) + "\n  ]\n}");
  }

  static Map<String, String> headers(String t, String a, String api, String id, long ts, String digest, String keyId) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("x-keygate-tenant", t); m.put("x-keygate-app", a); m.put("x-keygate-api", api);
    m.put("x-keygate-request-id", id); m.put("x-keygate-timestamp", Long.toString(ts));
    m.put("x-keygate-content-sha256", digest); m.put("x-keygate-attestation-key", keyId);
    return m;
  }

  static Map<String, String> h2(Map<String, String> h, String k, String v) { Map<String, String> m = new LinkedHashMap<>(h); m.put(k, v); return m; }
  static Map<String, String> without(Map<String, String> h, String k) { Map<String, String> m = new LinkedHashMap<>(h); m.remove(k); return m; }

  static String sts(String method, Map<String, String> h) {
    return String.join("\n", "keygate-backend-attestation-v1", method, h.get("x-keygate-tenant"), h.get("x-keygate-app"),
        h.get("x-keygate-api"), h.get("x-keygate-request-id"), h.get("x-keygate-timestamp"), h.get("x-keygate-content-sha256"));
  }

  static String sign(PrivateKey k, String text) throws Exception {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(k);
    s.update(text.getBytes(StandardCharsets.US_ASCII));
    return b64(s.sign());
  }

  static byte[] hmac(byte[] key, String text) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
  }

  /** "hmac-" + hex of the first 8 bytes of HMAC(key, "keygate-backend-attestation-v1 key id"). */
  static String hmacKeyId(byte[] key) throws Exception {
    return "hmac-" + HexFormat.of().formatHex(hmac(key, "keygate-backend-attestation-v1 key id"), 0, 8);
  }

  static String b64(byte[] b) { return Base64.getEncoder().encodeToString(b); }

  static String q(String s) { return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\""; }

  static String c(String id, String comment, String method, Map<String, String> h, String sig, byte[] body, long now, String expected, String sts) {
    StringBuilder headers = new StringBuilder("{");
    h.forEach((k, v) -> headers.append(headers.length() > 1 ? ", " : "").append(q(k)).append(": ").append(q(v)));
    headers.append("}");
    return "    {\"id\": " + q(id) + ", \"comment\": " + q(comment) + ",\n     \"method\": " + q(method) + ", \"now_ms\": " + now
        + ",\n     \"headers\": " + headers + ",\n     \"signature\": " + q(sig) + ", \"body_b64\": " + q(b64(body))
        + ",\n     \"expected\": " + q(expected) + (sts == null ? "" : ",\n     \"string_to_sign\": " + q(sts)) + "}";
  }
}
