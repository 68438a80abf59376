package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.client.AccessSecret;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import io.keygate.gateway.config.ConfigSnapshot;
import io.keygate.gateway.model.Credential;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.WrappedSecret;
import io.keygate.hsm.WrappedSecretRejectedException;
import io.keygate.hsm.testing.MutableClock;
import io.keygate.hsm.TokenUnavailableException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The authenticator's behaviour, with requests signed by the real client SDK. */
class RequestAuthenticatorTest {
  private static final long NOW = 1_764_547_200_000L;
  private static final String ACCESS_KEY = "AKauthTest00000001";
  private static final KeyLabel LABEL = KeyLabel.of("ak-auth-test-1");
  private static final String PATH = "/keygate.demo.v1.EchoService/Echo";
  private static final String AUTHORITY = "api.tenant-a.example:443";
  private static final byte[] BODY = "hello".getBytes(StandardCharsets.UTF_8);

  private final MutableClock clock = MutableClock.atMillis(NOW);
  private final byte[] secret = new byte[32];
  private final SoftwareMacVerifier verifier;
  private final InMemoryNonceStore nonces = new InMemoryNonceStore(clock, 10_000);
  private final ReplayWindow window = ReplayWindow.withDefaultWindow(clock);
  private final RequestAuthenticator authenticator;
  private final XcaSigner signer;

  RequestAuthenticatorTest() {
    new SecureRandom().nextBytes(secret);
    verifier = new SoftwareMacVerifier().with(LABEL, secret);
    authenticator = new RequestAuthenticator(verifier, nonces, window);
    signer = XcaSigner.builder(ACCESS_KEY, AccessSecret.copyOf(secret)).clock(clock).build();
  }

  @Test
  void authenticate_acceptsACallSignedByTheSdk() throws Exception {
    AuthResult result = authenticator.authenticate(signed(), snapshot(active()));

    assertThat(result).isInstanceOf(AuthResult.Authenticated.class);
    assertThat(((AuthResult.Authenticated) result).credential().accessKey()).isEqualTo(ACCESS_KEY);
  }

  @Test
  void authenticate_rejectsReplayedNonce() throws Exception {
    SignedRequest request = signed();
    assertThat(authenticator.authenticate(request, snapshot(active())).isAuthenticated()).isTrue();

    clock.advance(Duration.ofSeconds(30));

    assertThat(failureOf(authenticator.authenticate(request, snapshot(active()))))
        .isEqualTo(AuthFailure.REPLAYED_NONCE);
  }

  @Test
  void authenticate_recordsTheNonceOnlyAfterAValidSignature() throws Exception {
    XcaSignature signature = signer.sign(PATH, AUTHORITY, BODY);
    SignedRequest forged = request(signature.headers(), "/keygate.demo.v1.EchoService/Admin", AUTHORITY, BODY);
    SignedRequest genuine = request(signature.headers(), PATH, AUTHORITY, BODY);

    assertThat(failureOf(authenticator.authenticate(forged, snapshot(active())))).isEqualTo(AuthFailure.BAD_SIGNATURE);
    assertThat(nonces.size()).isZero();
    assertThat(authenticator.authenticate(genuine, snapshot(active())).isAuthenticated()).isTrue();
  }

  @Test
  void authenticate_remembersANonceUntilItsTimestampLeavesTheWindow() throws Exception {
    SignedRequest request = signed();
    authenticator.authenticate(request, snapshot(active()));

    clock.advance(ReplayWindow.DEFAULT_WINDOW);
    assertThat(failureOf(authenticator.authenticate(request, snapshot(active()))))
        .isEqualTo(AuthFailure.REPLAYED_NONCE);

    clock.advance(Duration.ofMillis(1));
    assertThat(failureOf(authenticator.authenticate(request, snapshot(active()))))
        .isEqualTo(AuthFailure.BAD_TIMESTAMP);
    assertThat(nonces.size()).as("expired nonces are forgotten").isZero();
  }

  @Test
  void authenticate_acceptsTheSameNonceFromAnotherAccessKey() throws Exception {
    byte[] otherSecret = new byte[32];
    new SecureRandom().nextBytes(otherSecret);
    KeyLabel otherLabel = KeyLabel.of("ak-auth-test-2");
    verifier.with(otherLabel, otherSecret);
    Credential other = new Credential("AKauthTest00000002", "app-2", "tenant-b", otherLabel, null, false, null);
    ConfigSnapshot both = snapshot(active(), other);
    String nonce = "shared-nonce-0123456789";
    byte[] digest = SignedRequest.sha256(BODY);
    XcaSignature first = signer.signDigest(PATH, AUTHORITY, digest, NOW, nonce);
    XcaSignature second = XcaSigner.builder(other.accessKey(), AccessSecret.copyOf(otherSecret)).build()
        .signDigest(PATH, AUTHORITY, digest, NOW, nonce);

    assertThat(authenticator.authenticate(request(first.headers(), PATH, AUTHORITY, BODY), both).isAuthenticated()).isTrue();
    assertThat(authenticator.authenticate(request(second.headers(), PATH, AUTHORITY, BODY), both).isAuthenticated()).isTrue();
  }

  @Test
  void authenticate_propagatesAnHsmFailure_andLeavesTheNonceUnused() throws Exception {
    SignedRequest request = signed();
    RequestAuthenticator hsmDown = new RequestAuthenticator(
        (credential, data, mac) -> {
          throw new TokenUnavailableException("token gone", "CKR_DEVICE_REMOVED", null);
        },
        nonces, window);

    assertThatThrownBy(() -> hsmDown.authenticate(request, snapshot(active())))
        .isInstanceOf(TokenUnavailableException.class);
    assertThat(authenticator.authenticate(request, snapshot(active())).isAuthenticated())
        .as("the retry after the HSM recovers is not a replay").isTrue();
  }

  @Test
  void authenticate_propagatesAnUnavailableNonceStore() {
    NonceStore down = (tenant, key, nonce, expiresAt) -> {
      throw new NonceStoreUnavailableException("redis down");
    };
    RequestAuthenticator withDownStore = new RequestAuthenticator(verifier, down, window);

    assertThatThrownBy(() -> withDownStore.authenticate(signed(), snapshot(active())))
        .isInstanceOf(NonceStoreUnavailableException.class);
  }

  @Test
  void authenticate_failsClosedWhenTheNonceStoreIsFull() throws Exception {
    RequestAuthenticator tiny = new RequestAuthenticator(verifier, new InMemoryNonceStore(clock, 1), window);
    assertThat(tiny.authenticate(signed(), snapshot(active())).isAuthenticated()).isTrue();

    assertThatThrownBy(() -> tiny.authenticate(signed(), snapshot(active())))
        .isInstanceOf(NonceStoreUnavailableException.class);
  }

  @Test
  void authenticate_rejectsRevokedAndExpiredCredentials_withoutAskingTheHsm() throws Exception {
    Credential revoked = new Credential(ACCESS_KEY, "app-1", "tenant-a", LABEL, null, true, null);
    Credential expiresNow = new Credential(ACCESS_KEY, "app-1", "tenant-a", LABEL, Instant.ofEpochMilli(NOW), false, null);

    assertThat(failureOf(authenticator.authenticate(signed(), snapshot(revoked)))).isEqualTo(AuthFailure.KEY_REVOKED);
    assertThat(failureOf(authenticator.authenticate(signed(), snapshot(expiresNow)))).isEqualTo(AuthFailure.KEY_REVOKED);
    assertThat(verifier.calls.get()).isZero();
  }

  @Test
  void authenticate_rejectsUnknownAccessKeys_withoutAskingTheHsm() throws Exception {
    assertThat(failureOf(authenticator.authenticate(signed(), ConfigSnapshot.empty()))).isEqualTo(AuthFailure.UNKNOWN_KEY);
    assertThat(verifier.calls.get()).isZero();
  }

  @Test
  void authenticate_rejectsABodyThatDiffersFromItsDigest() throws Exception {
    XcaSignature signature = signer.sign(PATH, AUTHORITY, BODY);
    SignedRequest swapped = request(signature.headers(), PATH, AUTHORITY, "HELLO".getBytes(StandardCharsets.UTF_8));

    assertThat(failureOf(authenticator.authenticate(swapped, snapshot(active())))).isEqualTo(AuthFailure.BODY_DIGEST_MISMATCH);
  }

  @Test
  void rejectionDetails_neverContainTheSignatureOrTheStringToSign() throws Exception {
    XcaSignature signature = signer.sign(PATH, AUTHORITY, BODY);
    SignedRequest forged = request(signature.headers(), "/keygate.demo.v1.EchoService/Admin", AUTHORITY, BODY);

    AuthResult.Rejected rejected = (AuthResult.Rejected) authenticator.authenticate(forged, snapshot(active()));

    assertThat(rejected.logDetail())
        .doesNotContain(signature.signatureBase64())
        .doesNotContain("POST\n")
        .doesNotContain(signature.headers().get("x-ca-content-sha256"));
  }

  // Support compares this with what the client signed: the authority is the usual culprit when a
  // library sends another :authority than the one its interceptor signed.
  @Test
  void invalidSignatureDetail_namesTheLowerCasedAuthorityUsed_butNoSignatureSecretOrNonce() throws Exception {
    XcaSignature signature = signer.sign(PATH, AUTHORITY, BODY);
    SignedRequest elsewhere = request(signature.headers(), PATH, "API.Tenant-B.Example:8443", BODY);

    AuthResult.Rejected rejected = (AuthResult.Rejected) authenticator.authenticate(elsewhere, snapshot(active()));

    assertThat(rejected.failure()).isEqualTo(AuthFailure.BAD_SIGNATURE);
    assertThat(rejected.logDetail())
        .contains("authority=api.tenant-b.example:8443 ")
        .contains("path=" + PATH)
        .doesNotContain(signature.signatureBase64())
        .doesNotContain(signature.headers().get("x-ca-nonce"))
        .doesNotContain(java.util.Base64.getEncoder().encodeToString(secret))
        .doesNotContain(java.util.HexFormat.of().formatHex(secret));
  }

  @Test
  void authenticate_checksTheClockOncePerRequest() throws Exception {
    MutableClock counting = MutableClock.atMillis(NOW);
    RequestAuthenticator a = new RequestAuthenticator(verifier, nonces, ReplayWindow.withDefaultWindow(counting));
    a.authenticate(signed(), snapshot(active()));
    // One "now" for the window and the credential state keeps the two decisions consistent.
    assertThat(counting.reads.get()).isEqualTo(1);
  }

  // ---- fixtures ----

  private SignedRequest signed() {
    return request(signer.sign(PATH, AUTHORITY, BODY).headers(), PATH, AUTHORITY, BODY);
  }

  static SignedRequest request(Map<String, String> headers, String path, String authority, byte[] body) {
    Map<String, List<String>> metadata = new LinkedHashMap<>();
    headers.forEach((k, v) -> metadata.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    return SignedRequest.withFirstMessage(path, authority, metadata, body);
  }

  @Test
  void aWrappedSecretThatCannotBeUsed_refusesThatCallCredentialUnusable_butAVanishedTokenKeyIsTheHsm()
      throws Exception {
    SignedRequest request = signed();
    RequestAuthenticator damaged = new RequestAuthenticator(
        (credential, data, mac) -> {
          throw new WrappedSecretRejectedException("does not unwrap", "CKR_WRAPPED_KEY_INVALID", null);
        },
        nonces, window);
    Credential wrapped = new Credential(ACCESS_KEY, "app-1", "tenant-a", LABEL, null, false, null,
        new WrappedSecret(KekId.of("k1"), new byte[40]));
    assertThat(failureOf(damaged.authenticate(request, snapshot(wrapped))))
        .isEqualTo(AuthFailure.SECRET_UNUSABLE);

    RequestAuthenticator unknownKek = new RequestAuthenticator(
        (credential, data, mac) -> {
          throw new KeyNotFoundException("no KEK k1");
        },
        nonces, window);
    assertThat(failureOf(unknownKek.authenticate(signed(), snapshot(wrapped))))
        .isEqualTo(AuthFailure.SECRET_UNUSABLE);
    // The same failure for a token key of its own is the HSM failing, not this credential.
    assertThatThrownBy(() -> unknownKek.authenticate(signed(), snapshot(active())))
        .isInstanceOf(KeyNotFoundException.class);
  }

  private static Credential active() {
    return new Credential(ACCESS_KEY, "app-1", "tenant-a", LABEL, null, false, null);
  }

  private static ConfigSnapshot snapshot(Credential... credentials) {
    return new ConfigSnapshot(1, List.of(), List.of(), List.of(), List.of(credentials), List.of(), List.of());
  }

  static AuthFailure failureOf(AuthResult result) {
    assertThat(result).isInstanceOf(AuthResult.Rejected.class);
    return ((AuthResult.Rejected) result).failure();
  }
}
