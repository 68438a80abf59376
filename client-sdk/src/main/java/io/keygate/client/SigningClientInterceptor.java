package io.keygate.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Signs every call made through a channel with an AccessKey (docs/signature-spec.md).
 *
 * <pre>{@code
 * Channel channel = ClientInterceptors.intercept(managedChannel,
 *     SigningClientInterceptor.create("AK...", AccessSecret.fromBase64(secretFromOfficer)));
 * }</pre>
 *
 * <p>The signature covers a digest of the first request message, so the real call starts (and
 * sends its headers) only when the application sends that message or half-closes. Until then the
 * call buffers {@code request(n)}, answers {@code isReady()} with true, and for client- and
 * bidi-streaming calls delivers one {@code onReady()} so that applications that send from their
 * ready handler are not stuck. Deadlines and context cancellation take effect when the real call
 * starts.
 *
 * <p>With {@link XcaSigner.Builder#signEveryMessage()} calls are signed with version 2: every
 * request message after the first carries its own MAC (spec section 13).
 *
 * <p>Do not combine with gRPC's configured retries or hedging: they resend the same signed
 * metadata, and the gateway refuses a nonce it has already accepted. Retry with a new call.
 */
public final class SigningClientInterceptor implements ClientInterceptor {
  private final XcaSigner signer;
  private final Executor callbackExecutor;

  /**
   * @param signer signs each call
   * @param callbackExecutor runs the listener callbacks this interceptor makes itself (the early
   *     {@code onReady}, {@code onClose} of a call cancelled before it started) when the call has
   *     no executor in its {@link CallOptions}
   */
  public SigningClientInterceptor(XcaSigner signer, Executor callbackExecutor) {
    this.signer = Objects.requireNonNull(signer, "signer");
    this.callbackExecutor = Objects.requireNonNull(callbackExecutor, "callbackExecutor");
  }

  /** Uses the common fork-join pool for the few callbacks the interceptor makes itself. */
  public SigningClientInterceptor(XcaSigner signer) {
    this(signer, ForkJoinPool.commonPool());
  }

  /** An interceptor for one AccessKey, with the system clock and a new {@code SecureRandom}. */
  public static SigningClientInterceptor create(String accessKey, AccessSecret secret) {
    return new SigningClientInterceptor(XcaSigner.builder(accessKey, secret).build());
  }

  @Override
  public <ReqT, RespT> ClientCall<ReqT, RespT> interceptCall(
      MethodDescriptor<ReqT, RespT> method, CallOptions callOptions, Channel next) {
    // The :authority gRPC will send: the per-call override if any, else the channel's.
    String authority = callOptions.getAuthority() != null ? callOptions.getAuthority() : next.authority();
    Executor executor =
        callOptions.getExecutor() != null ? callOptions.getExecutor() : callbackExecutor;
    if (signer.signsEveryMessage()) {
      // Version 2: the messages after the first travel in envelopes, so the call below carries
      // bytes; the first is serialized once, hashed and sent as those very bytes.
      MethodDescriptor<byte[], RespT> bytes = ChainingCall.asBytes(method);
      return new ChainingCall<>(new DeferredSigningCall<>(
          next.newCall(bytes, callOptions), bytes, authority, signer, executor),
          method.getRequestMarshaller(), signer);
    }
    return new DeferredSigningCall<>(
        next.newCall(method, callOptions), method, authority, signer, executor);
  }
}
