package io.keygate.gateway.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.keygate.backend.payload.PayloadCipher;
import io.keygate.client.payload.PayloadKey;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectPayloadKeys;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway's request transformer on a real SoftHSM2 token, between the client SDK's cipher
 * (the app) and the backend verifier's (the backend): keys issued in the token and delivered to
 * the officer only, client envelopes opened and backend envelopes sealed in the token, and every
 * attack of docs/payload-encryption.md refused with its code, after which nothing more passes.
 */
class RequestPayloadsTest {
  @RegisterExtension static final SoftHsmTokens TOKENS = new SoftHsmTokens("payloads");

  private static final KekId KEK = KekId.of("pk1");
  private static final String METHOD = "/keygate.demo.v1.EchoService/Echo";
  private static final io.keygate.client.payload.PayloadCall CLIENT_CALL =
      new io.keygate.client.payload.PayloadCall(
          io.keygate.client.payload.PayloadAad.Direction.CLIENT_TO_GATEWAY, METHOD, "AKacme0001",
          "1764590400000", "bm9uY2Utb2YtdGhlLWNhbGw");
  private static final PayloadCall FROM_CLIENT = new PayloadCall(
      PayloadAad.Direction.CLIENT_TO_GATEWAY, METHOD, "AKacme0001", "1764590400000",
      "bm9uY2Utb2YtdGhlLWNhbGw");
  private static final PayloadCall TO_BACKEND = new PayloadCall(
      PayloadAad.Direction.GATEWAY_TO_BACKEND, METHOD, "acme-app", "1764590400123", "req-0001");
  private static final io.keygate.backend.payload.PayloadCall BACKEND_CALL =
      new io.keygate.backend.payload.PayloadCall(
          io.keygate.backend.payload.PayloadAad.Direction.GATEWAY_TO_BACKEND, METHOD, "acme-app",
          "1764590400123", "req-0001");

  private static DirectPayloadKeys hsm;
  private static KeyPair officer;
  private static PayloadKeyRing clientRing;
  private static PayloadKeyRing backendRing;
  private static byte[] clientKeyBytes;
  private static PayloadKey clientKey;
  private static PayloadKey clientOldKey;
  private static io.keygate.backend.payload.PayloadKey backendKey;

  @BeforeAll
  static void issueKeys() throws Exception {
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        TOKENS.config("payloads"), Pin.fromFile(TOKENS.soPinFile()))) {
      so.generatePayloadKek(KEK);
    }
    hsm = DirectPayloadKeys.open(TOKENS.config("payloads"), TOKENS.pin(), 2, 16,
        Clock.systemUTC(), new SecureRandom());
    officer = RsaTestKeys.rsa3072(0);
    IssuedSecret c1 = hsm.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    IssuedSecret c2 = hsm.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    IssuedSecret b1 = hsm.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
    clientRing = new PayloadKeyRing("c-2", Map.of("c-1", c1.stored(), "c-2", c2.stored()));
    backendRing = new PayloadKeyRing("b-1", Map.of("b-1", b1.stored()));
    clientKeyBytes = officerOpens(c2);
    clientKey = PayloadKey.copyOf("c-2", clientKeyBytes);
    clientOldKey = PayloadKey.copyOf("c-1", officerOpens(c1));
    backendKey = io.keygate.backend.payload.PayloadKey.copyOf("b-1", officerOpens(b1));
  }

  @AfterAll
  static void close() {
    if (hsm != null) {
      hsm.close();
    }
  }

  @Test
  void everyPolicy_carriesAStreamFromTheAppToTheBackend_inOrder() throws Exception {
    List<byte[]> messages = List.of(bytes("first"), bytes(""), bytes("third, after an empty one"));
    for (EncryptionPolicy policy : EncryptionPolicy.values()) {
      RequestPayloads call = calls(policy);
      for (int n = 0; n < messages.size(); n++) {
        byte[] sent = policy.opensRequests() ? seal(clientKey, n, messages.get(n)) : messages.get(n);
        byte[] forwarded = call.next(sent);
        byte[] atBackend = policy.sealsRequests()
            ? new PayloadCipher(new SecureRandom()).open(Map.of("b-1", backendKey), BACKEND_CALL,
                n, forwarded)
            : forwarded;
        assertThat(atBackend).as(policy + " message " + n).isEqualTo(messages.get(n));
      }
      assertThat(call.active()).isEqualTo(policy != EncryptionPolicy.NONE);
    }
  }

  @Test
  void aKeyRotatedOutButKeptInTheRing_stillOpens() throws Exception {
    assertThat(calls(EncryptionPolicy.CLIENT).next(seal(clientOldKey, 0, bytes("old key"))))
        .isEqualTo(bytes("old key"));
  }

  @Test
  void attacks_areRefusedWithTheirCodes_andNothingPassesAfterwards() throws Exception {
    byte[] m0 = seal(clientKey, 0, bytes("pay 10 to bob"));
    byte[] m1 = seal(clientKey, 1, bytes("pay 20 to eve"));
    byte[] otherCall = new io.keygate.client.payload.PayloadCipher(new SecureRandom()).seal(
        clientKey, new io.keygate.client.payload.PayloadCall(CLIENT_CALL.direction(), METHOD,
            "AKacme0001", "1764590400000", "YW5vdGhlci1jYWxsLW5vbmNl"), 0, bytes("pay 10 to bob"));
    byte[] otherKey = new io.keygate.client.payload.PayloadCipher(new SecureRandom()).seal(
        PayloadKey.copyOf("c-9", new byte[32]), CLIENT_CALL, 0, bytes("x"));
    byte[] sameIdWrongKey = new io.keygate.client.payload.PayloadCipher(new SecureRandom()).seal(
        PayloadKey.copyOf("c-2", new byte[32]), CLIENT_CALL, 0, bytes("x"));
    byte[] flipped = m0.clone();
    flipped[flipped.length - 1] ^= 1;
    byte[] recounted = m1.clone();
    recounted[2 + 3 + 3] = 0; // counter 1 -> 0: the AAD no longer matches
    String keyHex = HexFormat.of().formatHex(clientKeyBytes);
    String keyB64 = Base64.getEncoder().encodeToString(clientKeyBytes);

    List<String> logged = new ArrayList<>();
    Handler capture = capture(logged);
    try {
      expect(List.of(otherCall), PayloadFailure.REJECTED, keyHex);
      expect(List.of(recounted), PayloadFailure.REJECTED, keyHex);
      expect(List.of(flipped), PayloadFailure.REJECTED, keyHex);
      expect(List.of(sameIdWrongKey), PayloadFailure.REJECTED, keyHex);
      expect(List.of(otherKey), PayloadFailure.KEY_UNKNOWN, keyHex);
      expect(List.of(java.util.Arrays.copyOf(m0, 30)), PayloadFailure.MALFORMED, keyHex);
      expect(List.of(m1), PayloadFailure.COUNTER_OUT_OF_ORDER, keyHex);
      expect(List.of(m0, m0), PayloadFailure.COUNTER_OUT_OF_ORDER, keyHex); // replayed in the call
      expect(List.of(bytes("not encrypted at all, though the API says client")),
          PayloadFailure.MALFORMED, keyHex);
    } finally {
      Logger.getLogger("").removeHandler(capture);
    }
    assertThat(logged).noneMatch(l -> l.contains(keyHex) || l.contains(keyB64)
        || l.contains("pay 10 to bob"));
    for (PayloadFailure f : PayloadFailure.values()) {
      GatewayError e = GatewayError.of(f);
      assertThat(e.status()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.code()).isEqualTo(f.code());
      assertThat(e.message()).doesNotContain(keyHex);
    }
  }

  /** Sends {@code messages} in one call: all but the last pass, the last is refused {@code f}. */
  private static void expect(List<byte[]> messages, PayloadFailure f, String keyHex)
      throws Exception {
    RequestPayloads call = calls(EncryptionPolicy.BOTH);
    for (int i = 0; i < messages.size() - 1; i++) {
      call.next(messages.get(i));
    }
    assertThatThrownBy(() -> call.next(messages.get(messages.size() - 1)))
        .isInstanceOfSatisfying(PayloadException.class, e -> {
          assertThat(e.failure()).isEqualTo(f);
          assertThat(String.valueOf(e.getMessage())).doesNotContainIgnoringCase(keyHex);
        });
    // the call is over: even the right next message does not pass any more
    assertThatThrownBy(() -> call.next(seal(clientKey, messages.size(), bytes("late"))))
        .isInstanceOf(PayloadException.class);
  }

  private static RequestPayloads calls(EncryptionPolicy policy) {
    return new RequestPayloads(hsm, policy, clientRing, backendRing, FROM_CLIENT, TO_BACKEND);
  }

  private static byte[] seal(PayloadKey key, long n, byte[] message) {
    return new io.keygate.client.payload.PayloadCipher(new SecureRandom())
        .seal(key, CLIENT_CALL, n, message);
  }

  private static byte[] officerOpens(IssuedSecret issued) throws Exception {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    rsa.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return rsa.doFinal(issued.forRecipient());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Handler capture(List<String> into) {
    Handler h = new Handler() {
      private final SimpleFormatter format = new SimpleFormatter();

      @Override
      public void publish(LogRecord r) {
        synchronized (into) {
          into.add(format.format(r));
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    h.setLevel(Level.ALL);
    Logger root = Logger.getLogger("");
    root.addHandler(h);
    Logger.getLogger("io.keygate.hsm.calls").setLevel(Level.ALL);
    return h;
  }
}
