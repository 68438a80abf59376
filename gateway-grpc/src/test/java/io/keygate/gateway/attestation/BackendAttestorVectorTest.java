package io.keygate.gateway.attestation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Metadata;
import io.keygate.backend.AttestationVectors;
import io.keygate.gateway.dataplane.AdmittedCall;
import io.keygate.gateway.model.ApiDefinition;
import io.keygate.gateway.model.AuthMode;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KeyLabel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The gateway's half of the attestation spec, written apart from the backend verifier's: for every
 * vector the verifier accepts, the gateway, given the same call and clock, signs exactly the
 * vector's text and sends exactly its headers. (The signature itself is the token's, proven
 * end to end by BackendAttestationEndToEndTest.)
 */
class BackendAttestorVectorTest {
  @Test
  void forEveryAcceptedVector_theGatewaySignsItsTextAndSendsItsHeaders() throws Exception {
    AttestationVectors vectors = AttestationVectors.load();
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (AttestationVectors.Case c : vectors.cases) {
      if (!c.expected().equals("accept") || c.stringToSign() == null) {
        continue;
      }
      checked++;
      Map<String, String> h = c.headers();
      AtomicReference<byte[]> signed = new AtomicReference<>();
      BackendAttestor attestor = new BackendAttestor(text -> {
        signed.set(text);
        return new byte[] {1, 2, 3};
      }, h.get("x-keygate-attestation-key"), Clock.fixed(Instant.ofEpochMilli(Long.parseLong(h.get("x-keygate-timestamp"))), ZoneOffset.UTC));

      Metadata sent = attestor.forAuthenticated(call(h), c.method(), c.body());

      String text = new String(signed.get(), StandardCharsets.US_ASCII);
      if (!text.equals(c.stringToSign())) {
        failures.add(c.id() + " signed: " + text);
      }
      for (Map.Entry<String, String> e : h.entrySet()) {
        String value = sent.get(Metadata.Key.of(e.getKey(), Metadata.ASCII_STRING_MARSHALLER));
        if (!e.getValue().equals(value)) {
          failures.add(c.id() + " header " + e.getKey() + ": " + value);
        }
      }
      if (!"AQID".equals(sent.get(BackendAttestor.SIGNATURE))) {
        failures.add(c.id() + " signature header: " + sent.get(BackendAttestor.SIGNATURE));
      }
    }
    assertThat(failures).isEmpty();
    assertThat(checked).isGreaterThanOrEqualTo(5);
  }

  @Test
  void theHmacKeyId_isTheVectorsId_fromTheKeysMacOfTheFixedText() throws Exception {
    AttestationVectors vectors = AttestationVectors.load();
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(vectors.hmacKey, "HmacSHA256"));
    assertThat(BackendAttestor.hmacKeyId(mac.doFinal(BackendAttestor.HMAC_KEY_ID_INPUT)))
        .isEqualTo(vectors.hmacKeyId);
  }

  @Test
  void eachCall_isAttestedWithTheKeyOfItsBackend_orTheDefault_orNotAtAll() throws Exception {
    BackendTarget hmacBackend = BackendTarget.parse("10.0.0.1:443");
    BackendTarget other = BackendTarget.parse("10.0.0.2:443");
    BackendAttestor.AttestationKey ecdsa =
        new BackendAttestor.AttestationKey("ecdsa-id", text -> new byte[] {1});
    BackendAttestor.AttestationKey hmac =
        new BackendAttestor.AttestationKey("hmac-id", text -> new byte[] {2});
    BackendAttestor both = new BackendAttestor(ecdsa, Map.of(hmacBackend, hmac), Clock.systemUTC());
    // dns:/// names the same backend as host:port: the lookup is by the parsed target.
    assertThat(both.forAuthenticated(callTo(BackendTarget.parse("dns:///10.0.0.1:443")), "/a/b",
        new byte[0]).get(BackendAttestor.KEY_ID)).isEqualTo("hmac-id");
    assertThat(both.forAuthenticated(callTo(other), "/a/b", new byte[0])
        .get(BackendAttestor.KEY_ID)).isEqualTo("ecdsa-id");
    BackendAttestor hmacOnly = new BackendAttestor(null, Map.of(hmacBackend, hmac),
        Clock.systemUTC());
    Metadata unsigned = hmacOnly.forAuthenticated(callTo(other), "/a/b", new byte[0]);
    assertThat(unsigned.get(BackendAttestor.KEY_ID)).isNull();
    assertThat(unsigned.get(BackendAttestor.SIGNATURE)).isNull();
    assertThat(unsigned.get(Metadata.Key.of("x-keygate-tenant", Metadata.ASCII_STRING_MARSHALLER)))
        .isEqualTo("acme");
  }

  @Test
  void theHmacSetting_parsesTargetLabelPairs_andRefusesTheRest() {
    assertThat(AttestationKeys.parseHmac("a.internal:443=orders-hmac; list:///10.0.0.1:1,10.0.0.2:1 = b"))
        .containsEntry(BackendTarget.parse("a.internal:443"), KeyLabel.of("orders-hmac"))
        .containsEntry(BackendTarget.parse("list:///10.0.0.1:1,10.0.0.2:1"), KeyLabel.of("b"))
        .hasSize(2);
    for (String bad : List.of("", "a:1", "a:1=", "a:1=bad label", "unix:///x=l", "a:1=l;a:1=m",
        "a:1=l;")) {
      assertThatThrownBy(() -> AttestationKeys.parseHmac(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aValueThatCouldShiftIntoTheNextField_isNeverSigned() {
    assertThatThrownBy(() -> BackendAttestor.text("/a/b", "acme\napp"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackendAttestor.text("/a/b", "acmé"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anUnauthenticatedCall_isNotAttested() {
    BackendAttestor attestor = new BackendAttestor(text -> new byte[0], "id", Clock.systemUTC());
    AdmittedCall anonymous = new AdmittedCall(api("echo"), BackendTarget.parse("127.0.0.1:1"),
        Optional.empty(), "req");
    assertThatThrownBy(() -> attestor.forAuthenticated(anonymous, "/a/b", new byte[0]))
        .isInstanceOf(IllegalStateException.class);
  }

  private static AdmittedCall callTo(BackendTarget backend) {
    Credential caller = new Credential("AKvector0000000000001", "acme-app", "acme",
        KeyLabel.of("vector"), null, false, null);
    return new AdmittedCall(api("echo"), backend, Optional.of(caller), "req-1");
  }

  private static AdmittedCall call(Map<String, String> h) {
    Credential caller = new Credential("AKvector0000000000001", h.get("x-keygate-app"),
        h.get("x-keygate-tenant"), KeyLabel.of("vector"), null, false, null);
    return new AdmittedCall(api(h.get("x-keygate-api")), BackendTarget.parse("127.0.0.1:1"),
        Optional.of(caller), h.get("x-keygate-request-id"));
  }

  private static ApiDefinition api(String id) {
    return new ApiDefinition(id, "acme", "localhost", "keygate.demo.v1.EchoService/Echo",
        "127.0.0.1:1", AuthMode.SIGNATURE);
  }
}
