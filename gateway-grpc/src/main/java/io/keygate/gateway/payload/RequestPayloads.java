package io.keygate.gateway.payload;

import io.keygate.gateway.model.EncryptionPolicy;
import io.keygate.hsm.CiphertextRejectedException;
import io.keygate.hsm.GcmSealed;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.PayloadKeys;
import io.keygate.hsm.WrappedSecret;

/**
 * The request messages of one call as the gateway turns them for its policy
 * (docs/payload-encryption.md): the client's envelopes opened in the HSM, and/or the forwarded
 * messages sealed in the HSM for the backend. The call handler calls {@link #next} once per
 * request message, in order, on the HSM lane, and forwards only what it returns; the first
 * refusal ends the call, and every later message is refused too.
 *
 * <p>Holds no gRPC type and no key in the clear. Not thread-safe: one call's messages arrive one at
 * a time.
 */
public final class RequestPayloads {
  private final PayloadKeys hsm;
  private final EncryptionPolicy policy;
  private final PayloadKeyRing clientKeys;
  private final PayloadKeyRing backendKeys;
  private final PayloadCall fromClient;
  private final PayloadCall toBackend;
  private long index;
  private boolean refused;

  /**
   * @param clientKeys the API's client ring; may be null unless the policy opens requests
   * @param backendKeys the API's backend ring; may be null unless the policy seals requests
   * @param fromClient the client hop's binding (the verified X-Ca values); null unless opening
   * @param toBackend the backend hop's binding (the attestation values); null unless sealing
   */
  public RequestPayloads(PayloadKeys hsm, EncryptionPolicy policy, PayloadKeyRing clientKeys,
      PayloadKeyRing backendKeys, PayloadCall fromClient, PayloadCall toBackend) {
    if ((policy.opensRequests() && (clientKeys == null || fromClient == null))
        || (policy.sealsRequests() && (backendKeys == null || toBackend == null))) {
      throw new IllegalArgumentException("policy " + policy.text() + " needs its keys and call");
    }
    this.hsm = hsm;
    this.policy = policy;
    this.clientKeys = clientKeys;
    this.backendKeys = backendKeys;
    this.fromClient = fromClient;
    this.toBackend = toBackend;
  }

  /** Whether this call's messages need the HSM at all (policy {@code none}: never). */
  public boolean active() {
    return policy != EncryptionPolicy.NONE;
  }

  /**
   * The bytes to forward for the next request message.
   *
   * @throws PayloadException if the message is refused; this and every later message
   * @throws HsmException if the token could not do the work: never a verdict on the message
   */
  public byte[] next(byte[] message) throws PayloadException, HsmException {
    if (refused) {
      throw new PayloadException(PayloadFailure.REJECTED, "the call's stream was refused before");
    }
    long n = index;
    if (n > PayloadEnvelope.MAX_COUNTER) {
      refused = true;
      throw new PayloadException(PayloadFailure.COUNTER_OUT_OF_ORDER, "too many messages");
    }
    try {
      byte[] clear = policy.opensRequests() ? open(message, n) : message;
      byte[] out = policy.sealsRequests() ? seal(clear, n) : clear;
      index++;
      return out;
    } catch (PayloadException e) {
      refused = true;
      throw e;
    }
  }

  private byte[] open(byte[] message, long n) throws PayloadException, HsmException {
    PayloadEnvelope e = PayloadEnvelope.parse(message);
    WrappedSecret key = clientKeys.find(e.keyId()).orElseThrow(() ->
        new PayloadException(PayloadFailure.KEY_UNKNOWN, "key id not in the API's ring"));
    if (e.counter() != n) {
      throw new PayloadException(PayloadFailure.COUNTER_OUT_OF_ORDER,
          "counter " + e.counter() + " where " + n + " was due");
    }
    try {
      return hsm.open(key, e.iv(), e.ciphertextAndTag(), fromClient.aad(e.keyId(), n).bytes());
    } catch (CiphertextRejectedException bad) {
      throw new PayloadException(PayloadFailure.REJECTED, "tag does not verify");
    }
  }

  private byte[] seal(byte[] clear, long n) throws HsmException {
    String id = backendKeys.current();
    GcmSealed sealed = hsm.seal(backendKeys.currentKey(), clear, toBackend.aad(id, n).bytes());
    return new PayloadEnvelope(id, n, sealed.iv(), sealed.ciphertextAndTag()).encode();
  }
}
