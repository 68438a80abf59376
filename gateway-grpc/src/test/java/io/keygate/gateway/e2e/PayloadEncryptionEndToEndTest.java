package io.keygate.gateway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.keygate.client.AccessSecret;
import io.keygate.client.MessageEnvelopes;
import io.keygate.client.XcaSignature;
import io.keygate.client.XcaSigner;
import io.keygate.client.payload.EncryptedCall;
import io.keygate.client.payload.PayloadCipher;
import io.keygate.client.payload.PayloadKey;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.gateway.node.GatewayNode;
import io.keygate.gateway.payload.PayloadKeyStore.Hop;
import io.keygate.gateway.payload.PayloadKeyStore;
import io.keygate.gateway.proxy.ByteMarshaller;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import io.keygate.hsm.WrappedMacKeys;
import io.keygate.hsm.pkcs11.DirectKekAdministration;
import io.keygate.hsm.pkcs11.DirectPayloadKeys;
import io.keygate.hsm.testing.RsaTestKeys;
import io.keygate.hsm.testing.SoftHsmTokens;
import io.keygate.proto.demo.v1.EchoRequest;
import io.keygate.proto.demo.v1.EchoResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Payload encryption through a real gateway node (SoftHSM2, Netty TLS, backend attestation) to
 * the demo backend (docs/payload-encryption.md): for every policy and every call kind, the app
 * seals with the Java SDK ({@link EncryptedCall}), the gateway opens and/or seals in its HSM, and
 * a backend that opens with its own key (the backend verifier's cipher) receives exactly what the
 * app sent, in order, sealed on the wire when the policy says so; responses come back clear. Every
 * attack of section 7 and the replay-with-a-new-tail attack of issue 13 end the call with their
 * status and code, and the backend receives nothing from the bad message on.
 */
class PayloadEncryptionEndToEndTest {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");

  private static final KekId KEK = KekId.of("pk1");
  private static final KeyLabel ATTESTATION_KEY = KeyLabel.of("backend-attestation");
  private static final Map<String, String> API_OF = Map.of(
      DemoTenants.ECHO, "api-echo", DemoTenants.ECHO_STREAM, "api-stream",
      DemoTenants.COLLECT, "api-collect", DemoTenants.CHAT, "api-chat");

  static GatewayFixture gw;
  static GatewayNode otherNode;
  static DirectPayloadKeys payloadKeys;
  static DirectPayloadKeys otherPayloadKeys;
  static KeyPair officer;
  /** The keys the officer handed to the apps (client hop), by API; api-collect's rotated. */
  static final Map<String, PayloadKey> appKeys = new HashMap<>();
  static PayloadKey collectOldKey;
  /** The keys the backends' operators installed (backend hop), by API and key id. */
  static final Map<String, Map<String, io.keygate.backend.payload.PayloadKey>> backendKeys =
      new ConcurrentHashMap<>();
  static final Map<String, EncryptionPolicy> policies = new ConcurrentHashMap<>();
  /** What the backends saw: "clear:text" or "sealed:text" per message, then "tag:complete"... */
  static final LinkedBlockingQueue<String> backendSaw = new LinkedBlockingQueue<>();

  @BeforeAll
  static void start() throws Exception {
    // The security officer makes the payload KEK before anything logs in as the user.
    try (DirectKekAdministration so = DirectKekAdministration.openAsSecurityOfficer(
        tokens.config("gateway"), Pin.fromFile(tokens.soPinFile()))) {
      so.generatePayloadKek(KEK);
    }
    payloadKeys = DirectPayloadKeys.open(tokens.config("gateway"), tokens.pin(), 3, 64,
        Clock.systemUTC(), new SecureRandom());
    otherPayloadKeys = DirectPayloadKeys.open(tokens.config("gateway"), tokens.pin(), 3, 64,
        Clock.systemUTC(), new SecureRandom());
    gw = new GatewayFixture(tokens)
        .withBackendServices(fixture -> {
          try {
            fixture.hsm.generateEcKey(ATTESTATION_KEY, new CertificateProfile(
                "keygate-backend-attestation", List.of(), List.of(), Duration.ofDays(1)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return service -> ServerInterceptors.intercept(
              ServerInterceptors.useInputStreamMessages(service), new BackendOpener());
        })
        .withBuilder(b -> b.backendAttestation(ATTESTATION_KEY).payloadKeys(payloadKeys))
        .start("gateway", List.of());
    // A second node of the cluster with its own (in-process) nonce store: a replay sent there is
    // not caught by the nonce.
    otherNode = gw.startNode(s -> s,
        b -> b.backendAttestation(ATTESTATION_KEY).payloadKeys(otherPayloadKeys));
    issueKeys();
    setPolicies(EncryptionPolicy.NONE);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    for (DirectPayloadKeys keys : Arrays.asList(payloadKeys, otherPayloadKeys)) {
      if (keys != null) {
        keys.close();
      }
    }
  }

  /** What an officer does: a key per API and hop made in the HSM, handed out encrypted to them. */
  private static void issueKeys() throws Exception {
    officer = RsaTestKeys.rsa3072(0);
    PayloadKeyStore store = gw.database.payloadKeys();
    for (String api : API_OF.values()) {
      if (api.equals("api-collect")) {
        IssuedSecret old = issue();
        store.addCurrentKey(api, Hop.CLIENT, "c-1", old.stored(), Instant.now());
        collectOldKey = PayloadKey.copyOf("c-1", officerOpens(old));
        IssuedSecret current = issue();
        store.addCurrentKey(api, Hop.CLIENT, "c-2", current.stored(), Instant.now());
        appKeys.put(api, PayloadKey.copyOf("c-2", officerOpens(current)));
      } else {
        IssuedSecret c = issue();
        store.addCurrentKey(api, Hop.CLIENT, "c-1", c.stored(), Instant.now());
        appKeys.put(api, PayloadKey.copyOf("c-1", officerOpens(c)));
      }
      IssuedSecret b = issue();
      store.addCurrentKey(api, Hop.BACKEND, "b-1", b.stored(), Instant.now());
      backendKeys.computeIfAbsent(api, a -> new ConcurrentHashMap<>())
          .put("b-1", io.keygate.backend.payload.PayloadKey.copyOf("b-1", officerOpens(b)));
    }
  }

  @ParameterizedTest
  @EnumSource(EncryptionPolicy.class)
  void everyCallKind_carriesTheAppsMessagesToTheBackend_sealedWhereThePolicySays(
      EncryptionPolicy policy) throws Exception {
    setPolicies(policy);
    String wire = policy.sealsRequests() ? "sealed:" : "clear:";
    String p = policy.text();

    Answered unary = call(DemoTenants.ECHO, false, p + "u/0 hello");
    assertThat(unary.status()).isEqualTo(Status.Code.OK);
    assertThat(unary.texts()).containsExactly(p + "u/0 hello");
    assertThat(backendEvents(p + "u")).containsExactly(wire + p + "u/0 hello", p + "u:complete");

    Answered streamed = call(DemoTenants.ECHO_STREAM, false, p + "s/0 many");
    assertThat(streamed.status()).isEqualTo(Status.Code.OK);
    assertThat(streamed.texts()).containsExactly(p + "s/0 many");
    assertThat(backendEvents(p + "s")).containsExactly(wire + p + "s/0 many", p + "s:complete");

    for (boolean v2 : List.of(false, true)) {
      String tag = p + (v2 ? "c2" : "c1");
      Answered collected = call(DemoTenants.COLLECT, v2, tag + "/0 order", tag + "/1 item",
          tag + "/2 confirm");
      assertThat(collected.status()).as(tag).isEqualTo(Status.Code.OK);
      assertThat(collected.texts())
          .containsExactly(tag + "/0 order" + tag + "/1 item" + tag + "/2 confirm");
      assertThat(backendEvents(tag)).containsExactly(wire + tag + "/0 order",
          wire + tag + "/1 item", wire + tag + "/2 confirm", tag + ":complete");
    }

    String chatTag = p + "b";
    Answered chatted = call(DemoTenants.CHAT, true, chatTag + "/0", chatTag + "/1", chatTag + "/2");
    assertThat(chatted.status()).isEqualTo(Status.Code.OK);
    assertThat(chatted.texts()).containsExactly(chatTag + "/0", chatTag + "/1", chatTag + "/2");
    assertThat(backendEvents(chatTag)).containsExactly(wire + chatTag + "/0",
        wire + chatTag + "/1", wire + chatTag + "/2", chatTag + ":complete");
  }

  @Test
  void aKeyRotatedOutButKeptInTheRing_stillOpens() throws Exception {
    setPolicies(EncryptionPolicy.CLIENT);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, collectOldKey, false, "old/0", "old/1");
    assertThat(call.send(gw.channel()).get(30, TimeUnit.SECONDS).status())
        .isEqualTo(Status.Code.OK);
    assertThat(backendEvents("old")).containsExactly("clear:old/0", "clear:old/1", "old:complete");
  }

  /**
   * Staged rotation of the backend hop (admin API 1.11): the new key joins the ring accepted only,
   * the backend's operator installs it while the gateway still seals under the old one, then it
   * is promoted; no call fails across the switch, and afterwards the gateway seals under the new
   * key (the backend, holding only that one, still reads every call).
   */
  @Test
  void backendHop_stagedRotation_noCallFailsAcrossTheSwitch() throws Exception {
    setPolicies(EncryptionPolicy.BACKEND);
    String api = API_OF.get(DemoTenants.ECHO_STREAM);
    PayloadKeyStore store = gw.database.payloadKeys();
    assertThat(call(DemoTenants.ECHO_STREAM, false, "rot0/0 before").status())
        .isEqualTo(Status.Code.OK);

    IssuedSecret next = issue();
    store.addKey(api, Hop.BACKEND, "b-2", next.stored(), Instant.now(), false);
    refresh();
    // Staged: every node still seals under b-1, which is all the backend holds so far.
    assertThat(call(DemoTenants.ECHO_STREAM, false, "rot1/0 staged").status())
        .isEqualTo(Status.Code.OK);
    assertThat(backendEvents("rot1")).containsExactly("sealed:rot1/0 staged", "rot1:complete");

    backendKeys.get(api).put("b-2",
        io.keygate.backend.payload.PayloadKey.copyOf("b-2", officerOpens(next)));
    assertThat(call(DemoTenants.ECHO_STREAM, false, "rot2/0 installed").status())
        .isEqualTo(Status.Code.OK);

    store.makeCurrent(api, Hop.BACKEND, "b-2");
    refresh();
    assertThat(call(DemoTenants.ECHO_STREAM, false, "rot3/0 promoted").status())
        .isEqualTo(Status.Code.OK);
    // The backend drops b-1: a call still sealed under it would now fail there.
    backendKeys.get(api).remove("b-1");
    String authority = DemoTenants.ACME_DOMAIN + ":" + gw.gateway.port();
    for (Channel node : List.of(gw.channel(), gw.channel(otherNode, authority))) {
      assertThat(callOn(node, DemoTenants.ECHO_STREAM, false, "rot4/0 new key only").status())
          .as("every node seals under b-2").isEqualTo(Status.Code.OK);
      assertThat(backendEvents("rot4"))
          .containsExactly("sealed:rot4/0 new key only", "rot4:complete");
    }
    assertThat(store.ring(api, Hop.BACKEND).orElseThrow().keys().keySet())
        .containsExactlyInAnyOrder("b-1", "b-2");
  }

  @Test
  void aClearCall_toAnApiThatWantsEnvelopes_isRefusedMalformed_andNothingIsForwarded()
      throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent clear = Sent.clear(DemoTenants.COLLECT, false, "plain/0 pay 1 EUR to bob");
    assertRefused(clear, GatewayError.PAYLOAD_MALFORMED, List.of(), clear.messages());
  }

  @Test
  void truncatedEnvelope_isRefusedMalformed_atItsPlace() throws Exception {
    setCollectPolicy(EncryptionPolicy.BOTH);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, false, "trunc/0", "trunc/1", "trunc/2");
    byte[][] m = call.messages();
    assertRefused(call, GatewayError.PAYLOAD_MALFORMED, List.of("sealed:trunc/0"),
        m[0], Arrays.copyOf(m[1], 20), m[2]);
  }

  @Test
  void unknownKeyId_isRefused_andNothingIsForwarded() throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, PayloadKey.copyOf("c-9", new byte[32]), false,
        "unknown/0", "unknown/1");
    assertRefused(call, GatewayError.PAYLOAD_KEY_UNKNOWN, List.of(), call.messages());
  }

  @Test
  void wrongTag_isRefused_atItsPlace() throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, false, "tag/0", "tag/1", "tag/2");
    byte[][] m = call.messages();
    byte[] flipped = m[1].clone();
    flipped[flipped.length - 1] ^= 1;
    assertRefused(call, GatewayError.PAYLOAD_REJECTED, List.of("clear:tag/0"), m[0], flipped, m[2]);
  }

  @Test
  void counterOutOfOrder_isRefused_atTheFirstOutOfPlace() throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, false, "order/0", "order/1", "order/2");
    byte[][] m = call.messages();
    assertRefused(call, GatewayError.PAYLOAD_COUNTER_OUT_OF_ORDER, List.of("clear:order/0"),
        m[0], m[2], m[1]);
  }

  @Test
  void ciphertextMovedToAnotherPosition_withItsCounterRewritten_isRejected() throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, false, "pos/0", "pos/1 pay 1 EUR", "pos/2");
    byte[][] m = call.messages();
    byte[] moved = m[1].clone();
    int counterAt = 2 + moved[1]; // version, id length, id
    moved[counterAt + 3] = 2; // message 1 claims to be message 2
    assertRefused(call, GatewayError.PAYLOAD_REJECTED, List.of("clear:pos/0", "clear:pos/1 pay 1 EUR"),
        m[0], m[1], moved);
  }

  @Test
  void ciphertextMovedFromAnotherCall_isRejected() throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent call = Sent.encrypted(DemoTenants.COLLECT, false, "moved/0", "moved/1", "moved/2");
    Sent other = Sent.encrypted(DemoTenants.COLLECT, false, "moved/0", "moved/1 other", "x/2");
    byte[][] m = call.messages();
    assertRefused(call, GatewayError.PAYLOAD_REJECTED, List.of("clear:moved/0"),
        m[0], other.messages()[1], m[2]);
  }

  @Test
  void capturedCallReplayedToAnotherNodeWithANewTail_isRefused_andTheTailNeverArrives()
      throws Exception {
    // The attack of issue 13 against a v1 call (only its first message is signed): the payload
    // keys bind every later message to the call, so an attacker without the app's key cannot
    // write a tail, and one from another captured call does not open.
    setCollectPolicy(EncryptionPolicy.CLIENT);
    Sent pay = Sent.encrypted(DemoTenants.COLLECT, false, "tail/0 pay 1 EUR to bob",
        "tail/1 from account A");
    assertThat(pay.send(gw.channel()).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.Code.OK);
    backendEvents("tail");
    Sent mallory = Sent.encrypted(DemoTenants.COLLECT, false, "tail/0 x",
        "tail/1 pay 1000000 EUR to mallory");
    Channel other = gw.channel(otherNode, DemoTenants.ACME_DOMAIN + ":" + gw.gateway.port());

    CompletableFuture<RawCalls.Ended> replayed = pay.send(other, pay.messages()[0],
        mallory.messages()[1]);
    assertThat(replayed.get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.PAYLOAD_REJECTED));
    assertNeverCompletedHavingSeenAtMost(other, "tail", List.of("clear:tail/0 pay 1 EUR to bob"));

    // A plaintext tail does not even parse as an envelope.
    Sent again = Sent.encrypted(DemoTenants.COLLECT, false, "tail2/0 pay 1 EUR to bob");
    byte[] plainTail = req("tail2/1 pay 1000000 EUR to mallory").toByteArray();
    assertThat(again.send(other, again.messages()[0], plainTail).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.PAYLOAD_MALFORMED));
    assertNeverCompletedHavingSeenAtMost(other, "tail2",
        List.of("clear:tail2/0 pay 1 EUR to bob"));
  }

  @Test
  void aNodeWithoutPayloadKeys_refusesAnEncryptingApisCalls_unavailable_andForwardsNothing()
      throws Exception {
    setCollectPolicy(EncryptionPolicy.CLIENT);
    GatewayNode bare = gw.startNode(s -> s); // opened no payload keys
    Channel channel = gw.channel(bare, DemoTenants.ACME_DOMAIN + ":" + gw.gateway.port());
    Sent call = Sent.encrypted(DemoTenants.COLLECT, false, "bare/0", "bare/1");
    assertThat(call.send(channel).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.PAYLOAD_UNAVAILABLE));
    assertNeverCompletedHavingSeenAtMost(channel, "bare", List.of());
  }

  @Test
  void anApiWithoutAuthentication_thatEncrypts_isRefusedUnavailable_andWithoutPolicyServed()
      throws Exception {
    // Envelopes bind the signed call's values; a call that signs nothing has none: fail closed.
    String target = "127.0.0.1:" + gw.globexBackend.getPort();
    gw.store.allowBackend(new io.keygate.gateway.model.BackendAllowance("globex", target, true));
    gw.store.registerApi(new io.keygate.gateway.model.ApiDefinition("api-open", "globex",
        DemoTenants.GLOBEX_DOMAIN, DemoTenants.ECHO, target,
        io.keygate.gateway.model.AuthMode.NONE));
    byte[] clear = req("open/0").toByteArray();
    Channel globex = gw.channel(DemoTenants.GLOBEX_DOMAIN);

    gw.database.payloadKeys().setPolicy("api-open", EncryptionPolicy.NONE, Instant.now());
    refresh();
    assertThat(RawCalls.start(globex, DemoTenants.ECHO, new Metadata(), RawCalls.deadline(30),
        true, clear).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.Code.OK);

    gw.database.payloadKeys().setPolicy("api-open", EncryptionPolicy.BACKEND, Instant.now());
    refresh();
    assertThat(RawCalls.start(globex, DemoTenants.ECHO, new Metadata(), RawCalls.deadline(30),
        true, clear).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(GatewayError.PAYLOAD_UNAVAILABLE));
  }

  // ---------------------------------------------------------------------------------------------

  private static void assertRefused(Sent call, GatewayError expected, List<String> backendGets,
      byte[]... sent) throws Exception {
    assertThat(call.send(gw.channel(), sent).get(30, TimeUnit.SECONDS))
        .isEqualTo(RawCalls.Ended.of(expected));
    assertNeverCompletedHavingSeenAtMost(gw.channel(), call.tag(), backendGets);
  }

  /**
   * The backend never saw the call complete and received at most {@code allowed}, in order. A
   * sentinel call through the same node and backend connection (api-echo, policy none) marks the
   * point by which every event of the refused call has arrived.
   */
  private static void assertNeverCompletedHavingSeenAtMost(Channel node, String tag,
      List<String> allowed) throws Exception {
    Sent sentinel = Sent.clear(DemoTenants.ECHO, false, tag + "-sentinel/0");
    assertThat(sentinel.send(node).get(30, TimeUnit.SECONDS).status()).isEqualTo(Status.Code.OK);
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the sentinel reaches the backend").isNotNull();
      if (event.equals(tag + "-sentinel:complete")) {
        break;
      }
      String text = event.substring(event.indexOf(':') + 1);
      if (event.startsWith(tag + ":") || text.startsWith(tag + "/")) {
        events.add(event);
      }
    }
    assertThat(events).doesNotContain(tag + ":complete");
    List<String> messages = events.stream().filter(e -> !e.startsWith(tag + ":")).toList();
    assertThat(messages.size()).isLessThanOrEqualTo(allowed.size());
    assertThat(messages).isEqualTo(allowed.subList(0, messages.size()));
  }

  /** The backend's events of the calls tagged {@code tag}, up to the end of one such call. */
  private static List<String> backendEvents(String tag) throws InterruptedException {
    List<String> events = new ArrayList<>();
    while (true) {
      String event = backendSaw.poll(30, TimeUnit.SECONDS);
      assertThat(event).as("the backend's call tagged " + tag + " ends").isNotNull();
      String text = event.substring(event.indexOf(':') + 1);
      if (!event.startsWith(tag + ":") && !text.startsWith(tag + "/")) {
        continue; // an earlier test's
      }
      events.add(event);
      if (event.equals(tag + ":complete") || event.equals(tag + ":cancel")) {
        return events;
      }
    }
  }

  private static void setPolicies(EncryptionPolicy policy) throws Exception {
    for (String api : API_OF.values()) {
      gw.database.payloadKeys().setPolicy(api, policy, Instant.now());
      policies.put(api, policy);
    }
    refresh();
  }

  /** api-collect under {@code policy}; api-echo (the sentinels') clear. */
  private static void setCollectPolicy(EncryptionPolicy policy) throws Exception {
    gw.database.payloadKeys().setPolicy("api-echo", EncryptionPolicy.NONE, Instant.now());
    policies.put("api-echo", EncryptionPolicy.NONE);
    gw.database.payloadKeys().setPolicy("api-collect", policy, Instant.now());
    policies.put("api-collect", policy);
    refresh();
  }

  private static void refresh() throws Exception {
    gw.gateway.refreshConfiguration();
    otherNode.refreshConfiguration();
  }

  /** A call as the app sends it: signed headers and its messages on the wire, in order. */
  private record Sent(String method, String tag, Metadata headers, byte[][] messages) {
    /** Sealed with the app's key for the method's API. */
    static Sent encrypted(String method, boolean v2, String... texts) {
      return encrypted(method, appKeys.get(API_OF.get(method)), v2, texts);
    }

    static Sent encrypted(String method, PayloadKey key, boolean v2, String... texts) {
      EncryptedCall call = EncryptedCall.start(signer(method, v2), new PayloadCipher(
          new SecureRandom()), key, "/" + method, authority(method), req(texts[0]).toByteArray());
      List<byte[]> messages = new ArrayList<>(List.of(call.firstMessage()));
      for (String text : Arrays.asList(texts).subList(1, texts.length)) {
        messages.add(call.next(req(text).toByteArray()));
      }
      if (v2) {
        messages.add(call.end());
      }
      return new Sent(method, tag(texts[0]), RawCalls.metadata(call.signature().headers()),
          messages.toArray(byte[][]::new));
    }

    /** Clear, signed the SDK's way (version 2: each later message in its envelope). */
    static Sent clear(String method, boolean v2, String... texts) {
      XcaSigner signer = signer(method, v2);
      byte[] first = req(texts[0]).toByteArray();
      XcaSignature signature = signer.sign("/" + method, authority(method), first);
      List<byte[]> messages = new ArrayList<>(List.of(first));
      MessageEnvelopes envelopes = signer.envelopes(signature);
      for (String text : Arrays.asList(texts).subList(1, texts.length)) {
        byte[] payload = req(text).toByteArray();
        messages.add(v2 ? envelopes.seal(payload) : payload);
      }
      if (v2) {
        messages.add(envelopes.end());
      }
      return new Sent(method, tag(texts[0]), RawCalls.metadata(signature.headers()),
          messages.toArray(byte[][]::new));
    }

    CompletableFuture<RawCalls.Ended> send(Channel channel) {
      return send(channel, messages);
    }

    CompletableFuture<RawCalls.Ended> send(Channel channel, byte[]... sent) {
      return RawCalls.start(channel, method, headers,
          CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS), true, sent);
    }

    private static String tag(String firstText) {
      return firstText.split("/", 2)[0];
    }
  }

  /** How a call ended and the responses it got. */
  private record Answered(Status.Code status, String code, List<String> texts) {}

  /** Sends the app's call (encrypted under every policy but none and backend) and collects. */
  private static Answered call(String method, boolean v2, String... texts) throws Exception {
    return callOn(method.equals(DemoTenants.CHAT)
        ? gw.channel(DemoTenants.GLOBEX_DOMAIN) : gw.channel(), method, v2, texts);
  }

  private static Answered callOn(Channel channel, String method, boolean v2, String... texts)
      throws Exception {
    EncryptionPolicy policy = policies.get(API_OF.get(method));
    Sent sent = policy.opensRequests()
        ? Sent.encrypted(method, v2, texts)
        : Sent.clear(method, v2, texts);
    CompletableFuture<Answered> ended = new CompletableFuture<>();
    List<String> answers = new ArrayList<>();
    ClientCall<byte[], byte[]> c = channel.newCall(ByteMarshaller.methodDescriptor(method),
        CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    c.start(new ClientCall.Listener<>() {
      @Override
      public void onMessage(byte[] message) {
        try {
          answers.add(EchoResponse.parseFrom(message).getMessage()); // responses come back clear
        } catch (IOException e) {
          answers.add("unparsable response");
        }
      }

      @Override
      public void onClose(Status status, Metadata trailers) {
        ended.complete(new Answered(status.getCode(), trailers.get(ErrorReplies.ERROR_CODE),
            List.copyOf(answers)));
      }
    }, sent.headers());
    c.request(Integer.MAX_VALUE);
    for (byte[] m : sent.messages()) {
      c.sendMessage(m);
    }
    c.halfClose();
    return ended.get(30, TimeUnit.SECONDS);
  }

  private static XcaSigner signer(String method, boolean v2) {
    var key = method.equals(DemoTenants.CHAT) ? gw.globexKey : gw.acmeKey;
    XcaSigner.Builder b = XcaSigner.builder(key.accessKey(),
        AccessSecret.copyOf(key.secret().unsafeCopy()));
    return v2 ? b.signEveryMessage().build() : b.build();
  }

  private static String authority(String method) {
    return (method.equals(DemoTenants.CHAT) ? DemoTenants.GLOBEX_DOMAIN : DemoTenants.ACME_DOMAIN)
        + ":" + gw.gateway.port();
  }

  private static IssuedSecret issue() throws Exception {
    return payloadKeys.generatePayloadKey(KEK, (RSAPublicKey) officer.getPublic());
  }

  private static byte[] officerOpens(IssuedSecret issued) throws Exception {
    Cipher rsa = Cipher.getInstance(WrappedMacKeys.RECIPIENT_CIPHER);
    rsa.init(Cipher.DECRYPT_MODE, officer.getPrivate());
    return rsa.doFinal(issued.forRecipient());
  }

  private static EchoRequest req(String text) {
    return EchoRequest.newBuilder().setMessage(text).build();
  }

  /**
   * The backend's side: opens what the gateway sealed for it with the backend's key and the
   * attestation's values (as docs/payload-encryption.md, section 4 says a backend does), records
   * each message as it arrived on the wire ("sealed:" or "clear:") and how the call ended, tagged
   * by the first message's text up to its '/'.
   */
  private static final class BackendOpener implements ServerInterceptor {
    private static final Metadata.Key<String> APP = key("x-keygate-app");
    private static final Metadata.Key<String> TIMESTAMP = key("x-keygate-timestamp");
    private static final Metadata.Key<String> REQUEST_ID = key("x-keygate-request-id");

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
        ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
      String method = call.getMethodDescriptor().getFullMethodName();
      String api = API_OF.get(method);
      boolean sealed = policies.getOrDefault(api, EncryptionPolicy.NONE).sealsRequests();
      io.keygate.backend.payload.PayloadCall bound = new io.keygate.backend.payload.PayloadCall(
          io.keygate.backend.payload.PayloadAad.Direction.GATEWAY_TO_BACKEND, "/" + method,
          String.valueOf(headers.get(APP)), String.valueOf(headers.get(TIMESTAMP)),
          String.valueOf(headers.get(REQUEST_ID)));
      io.keygate.backend.payload.PayloadCipher cipher =
          new io.keygate.backend.payload.PayloadCipher(new SecureRandom());
      return new SimpleForwardingServerCallListener<Q>(next.startCall(call, headers)) {
        private String tag = "?";
        private long counter;
        private boolean refused;

        @Override
        @SuppressWarnings("unchecked")
        public void onMessage(Q message) {
          if (refused) {
            return;
          }
          try {
            byte[] wire = ((InputStream) message).readAllBytes();
            byte[] clear = sealed
                ? cipher.open(Map.copyOf(backendKeys.get(api)), bound, counter, wire)
                : wire;
            counter++;
            String text = EchoRequest.parseFrom(clear).getMessage();
            if (tag.equals("?")) {
              tag = text.split("/", 2)[0];
            }
            backendSaw.add((sealed ? "sealed:" : "clear:") + text);
            super.onMessage((Q) new ByteArrayInputStream(clear));
          } catch (IOException | io.keygate.backend.payload.PayloadException e) {
            refused = true;
            backendSaw.add("backend-refused:" + tag + "/" + e.getClass().getSimpleName());
            call.close(Status.INVALID_ARGUMENT.withDescription("backend cannot read it"),
                new Metadata());
          }
        }

        @Override
        public void onCancel() {
          backendSaw.add(tag + ":cancel");
          super.onCancel();
        }

        @Override
        public void onComplete() {
          backendSaw.add(tag + ":complete");
          super.onComplete();
        }
      };
    }

    private static Metadata.Key<String> key(String name) {
      return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
    }
  }
}
