package io.keygate.backend;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Adapts {@link AttestationVerifier} to gRPC, on a service whose messages are raw bytes (see
 * {@link AttestedServices#protect}): a call whose headers do not verify is closed before its
 * handler starts; a verified call's handler runs with {@link AttestedCall#CURRENT} set, and sees
 * its first message only if that message is the one the gateway attested. Refusals are
 * UNAUTHENTICATED with a fixed description and the stable code in {@link #ERROR_CODE}.
 */
final class AttestationInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> ERROR_CODE =
      Metadata.Key.of("x-keygate-backend-error", Metadata.ASCII_STRING_MARSHALLER);

  private final AttestationVerifier verifier;

  AttestationInterceptor(AttestationVerifier verifier) {
    this.verifier = verifier;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = "/" + call.getMethodDescriptor().getFullMethodName();
    AttestationVerifier.Outcome outcome = verifier.verify(method, headers);
    if (outcome instanceof AttestationVerifier.Outcome.Refused refused) {
      refuse(call, refused.error());
      return new ServerCall.Listener<>() {};
    }
    AttestedCall attested = ((AttestationVerifier.Outcome.Verified) outcome).call();
    OnceClosedCall<Q, R> guarded = new OnceClosedCall<>(call);
    Context context = Context.current().withValue(AttestedCall.CURRENT, attested);
    ServerCall.Listener<Q> handler = Contexts.interceptCall(context, guarded, headers, next);
    return new FirstMessageCheck<>(handler, guarded, attested.contentSha256());
  }

  static void refuse(ServerCall<?, ?> call, AttestationError error) {
    Metadata trailers = new Metadata();
    trailers.put(ERROR_CODE, error.code());
    call.close(Status.UNAUTHENTICATED.withDescription(error.description()), trailers);
  }

  /** Closes at most once: after a refusal, the handler's own close is dropped. */
  private static final class OnceClosedCall<Q, R> extends SimpleForwardingServerCall<Q, R> {
    private volatile boolean closed;

    OnceClosedCall(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void sendMessage(R message) {
      if (!closed) {
        super.sendMessage(message);
      }
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        super.close(status, trailers);
      }
    }

    synchronized void refuse(AttestationError error) {
      if (!closed) {
        closed = true;
        AttestationInterceptor.refuse(delegate(), error);
      }
    }

    boolean isClosedHere() {
      return closed;
    }
  }

  /** Holds back the first message until its digest matches the attested one. */
  private static final class FirstMessageCheck<Q> extends SimpleForwardingServerCallListener<Q> {
    private final OnceClosedCall<Q, ?> call;
    private final byte[] expected;
    private boolean first = true; // grpc serialises a call's callbacks

    FirstMessageCheck(ServerCall.Listener<Q> handler, OnceClosedCall<Q, ?> call, String digest) {
      super(handler);
      this.call = call;
      this.expected = Base64.getDecoder().decode(digest);
    }

    @Override
    public void onMessage(Q message) {
      if (call.isClosedHere()) {
        return;
      }
      if (first) {
        first = false;
        if (!matches(message)) {
          call.refuse(AttestationError.BODY_MISMATCH);
          return;
        }
      }
      super.onMessage(message);
    }

    @Override
    public void onHalfClose() {
      if (call.isClosedHere()) {
        return;
      }
      if (first) { // no message at all: the gateway attested the empty digest, or refuse
        first = false;
        if (!MessageDigest.isEqual(sha256(new byte[0]), expected)) {
          call.refuse(AttestationError.BODY_MISMATCH);
          return;
        }
      }
      super.onHalfClose();
    }

    private boolean matches(Q message) {
      if (!(message instanceof byte[] bytes)) {
        // Only reachable if the interceptor was installed without AttestedServices.protect:
        // without the bytes, nothing can be checked, so nothing is let through.
        return false;
      }
      return MessageDigest.isEqual(sha256(bytes), expected);
    }

    private static byte[] sha256(byte[] bytes) {
      try {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JDK", e);
      }
    }
  }
}
