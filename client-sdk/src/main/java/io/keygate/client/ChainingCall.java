package io.keygate.client;

import io.grpc.Attributes;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * A version-2 call (docs/signature-spec.md, section 13): serializes each request message once
 * with the method's own marshaller, sends the first as it is (its digest is signed by the {@link
 * DeferredSigningCall} below), every later one in its {@link MessageEnvelopes envelope}, and the
 * end marker just before the half-close. Below it the call carries bytes.
 */
final class ChainingCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
  private final DeferredSigningCall<byte[], RespT> signing;
  private final MethodDescriptor.Marshaller<ReqT> requests;
  private final XcaSigner signer;
  private MessageEnvelopes envelopes;
  private boolean firstSent;

  ChainingCall(DeferredSigningCall<byte[], RespT> signing,
      MethodDescriptor.Marshaller<ReqT> requests, XcaSigner signer) {
    this.signing = signing;
    this.requests = requests;
    this.signer = signer;
  }

  /** The method with its requests as bytes, for the call below this one. */
  static <ReqT, RespT> MethodDescriptor<byte[], RespT> asBytes(MethodDescriptor<ReqT, RespT> m) {
    return m.toBuilder(BYTES, m.getResponseMarshaller()).build();
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata headers) {
    signing.start(responseListener, headers);
  }

  @Override
  public void request(int numMessages) {
    signing.request(numMessages);
  }

  @Override
  public void cancel(String message, Throwable cause) {
    signing.cancel(message, cause);
  }

  @Override
  public void sendMessage(ReqT message) {
    byte[] bytes = serialize(message);
    if (!firstSent) {
      firstSent = true;
      signing.sendMessage(bytes);
      XcaSignature signature = signing.signature();
      // Null only if signing failed: the call is being closed and sends nothing more.
      envelopes = signature == null ? null : signer.envelopes(signature);
      return;
    }
    if (envelopes != null) {
      signing.sendMessage(envelopes.seal(bytes));
    }
  }

  @Override
  public void halfClose() {
    if (envelopes != null) {
      signing.sendMessage(envelopes.end());
    }
    signing.halfClose();
  }

  @Override
  public boolean isReady() {
    return signing.isReady();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    signing.setMessageCompression(enabled);
  }

  @Override
  public Attributes getAttributes() {
    return signing.getAttributes();
  }

  private byte[] serialize(ReqT message) {
    try (InputStream in = requests.stream(message)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("could not serialize a request message", e);
    }
  }

  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };
}
