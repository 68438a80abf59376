package io.keygate.client;

import io.grpc.Attributes;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * A call whose real {@code start()} waits for the first message: the headers must carry that
 * message's digest, and gRPC sends headers when a call starts. Everything the application does
 * before then is replayed onto the real call in order.
 *
 * <p>Locking: {@code lock} guards the state and is never held while calling out. {@code
 * callbackLock} is held around every listener callback when callbacks can come from two places
 * (our early {@code onReady}/{@code onClose} and the real call), so the listener is never entered
 * concurrently, as the {@link ClientCall.Listener} contract promises.
 */
final class DeferredSigningCall<ReqT, RespT> extends ClientCall<ReqT, RespT> {
  private enum State { IDLE, DEFERRED, STARTING, STARTED, CLOSED }

  private final ClientCall<ReqT, RespT> delegate;
  private final MethodDescriptor<ReqT, RespT> method;
  private final String authority;
  private final XcaSigner signer;
  private final Executor executor;
  private final Object lock = new Object();
  private final Object callbackLock = new Object();

  // Guarded by lock.
  private State state = State.IDLE;
  private boolean cancelledByApp;
  private int pendingRequests;
  private Boolean messageCompression;
  private Listener<RespT> listener;
  private Metadata headers;
  /** Set once the call is signed, before it starts. */
  private volatile XcaSignature signature;

  DeferredSigningCall(
      ClientCall<ReqT, RespT> delegate,
      MethodDescriptor<ReqT, RespT> method,
      String authority,
      XcaSigner signer,
      Executor executor) {
    this.delegate = delegate;
    this.method = method;
    this.authority = authority;
    this.signer = signer;
    this.executor = executor;
  }

  @Override
  public void start(Listener<RespT> responseListener, Metadata headers) {
    boolean streamingRequests = !method.getType().clientSendsOneMessage();
    synchronized (lock) {
      if (state != State.IDLE) {
        throw new IllegalStateException(cancelledByApp ? "call was cancelled" : "already started");
      }
      this.listener =
          streamingRequests ? new SerializedListener<>(responseListener, callbackLock) : responseListener;
      this.headers = headers;
      state = State.DEFERRED;
    }
    if (streamingRequests) {
      // Streaming clients may wait for onReady before their first message; the real call cannot
      // give one before it starts, so we do (gRPC allows spurious onReady calls).
      executor.execute(this::earlyOnReady);
    }
  }

  @Override
  public void request(int numMessages) {
    if (numMessages < 0) {
      throw new IllegalArgumentException("numMessages must be non-negative");
    }
    synchronized (lock) {
      switch (state) {
        case IDLE:
          throw new IllegalStateException("Not started");
        case DEFERRED:
        case STARTING:
          pendingRequests = (int) Math.min(Integer.MAX_VALUE, (long) pendingRequests + numMessages);
          return;
        case CLOSED:
          return;
        case STARTED:
        default:
          break;
      }
    }
    delegate.request(numMessages);
  }

  @Override
  public void sendMessage(ReqT message) {
    if (startIfDeferred(message, true)) {
      delegate.sendMessage(message);
    }
  }

  @Override
  public void halfClose() {
    if (startIfDeferred(null, false)) {
      delegate.halfClose();
    }
  }

  @Override
  public void cancel(String message, Throwable cause) {
    State before;
    synchronized (lock) {
      before = state;
      if (state == State.IDLE || state == State.DEFERRED) {
        state = State.CLOSED;
        cancelledByApp = true;
      }
    }
    delegate.cancel(message, cause);
    if (before == State.DEFERRED) {
      // The real call never started, so it will not close our listener: we do.
      closeListener(
          Status.CANCELLED
              .withDescription(message != null ? message : "Call cancelled without message")
              .withCause(cause));
    }
  }

  @Override
  public boolean isReady() {
    synchronized (lock) {
      if (state == State.DEFERRED) {
        return true; // the first message is what starts the call
      }
      if (state != State.STARTING && state != State.STARTED) {
        return false;
      }
    }
    return delegate.isReady();
  }

  @Override
  public void setMessageCompression(boolean enabled) {
    synchronized (lock) {
      if (state != State.STARTED) {
        messageCompression = enabled;
        return;
      }
    }
    delegate.setMessageCompression(enabled);
  }

  /** The call's signature once the first message (or half-close) signed it; else null. */
  XcaSignature signature() {
    return signature;
  }

  @Override
  public Attributes getAttributes() {
    return delegate.getAttributes();
  }

  /**
   * Signs and starts the real call if this is the first message (or a half-close without one).
   * Returns whether the real call is started and the caller should go on.
   */
  private boolean startIfDeferred(ReqT firstMessage, boolean hasMessage) {
    Listener<RespT> startListener;
    Metadata startHeaders;
    synchronized (lock) {
      switch (state) {
        case IDLE:
          throw new IllegalStateException("Not started");
        case CLOSED:
          if (cancelledByApp) {
            throw new IllegalStateException("call was cancelled");
          }
          return false; // signing failed; the listener is being closed
        case STARTING:
        case STARTED:
          return true;
        case DEFERRED:
        default:
          state = State.STARTING;
          startListener = listener;
          startHeaders = headers;
          headers = null;
      }
    }
    XcaSignature signature;
    try {
      byte[] digest = hasMessage ? digestOf(firstMessage) : XcaSigner.sha256(new byte[0]);
      signature = signer.signDigest("/" + method.getFullMethodName(), authority, digest);
    } catch (RuntimeException e) {
      fail(Status.INTERNAL.withDescription("Keygate SDK could not sign the call").withCause(e));
      return false;
    }
    this.signature = signature;
    for (Map.Entry<String, String> h : signature.headers().entrySet()) {
      Metadata.Key<String> key = Metadata.Key.of(h.getKey(), Metadata.ASCII_STRING_MARSHALLER);
      startHeaders.discardAll(key); // a second copy would make the gateway refuse the call
      startHeaders.put(key, h.getValue());
    }
    delegate.start(startListener, startHeaders);
    Boolean compression;
    synchronized (lock) {
      compression = messageCompression;
    }
    if (compression != null) {
      delegate.setMessageCompression(compression);
    }
    drainPendingRequests();
    return true;
  }

  /** Forwards the buffered request(n) calls; request() may race with us from other threads. */
  private void drainPendingRequests() {
    while (true) {
      int n;
      synchronized (lock) {
        n = pendingRequests;
        pendingRequests = 0;
        if (n == 0) {
          state = State.STARTED;
          return;
        }
      }
      delegate.request(n);
    }
  }

  /** SHA-256 of the message exactly as the marshaller serializes it for the wire. */
  private byte[] digestOf(ReqT message) {
    MessageDigest sha256 = XcaSigner.newSha256();
    byte[] buffer = new byte[8192];
    try (InputStream in = method.getRequestMarshaller().stream(message)) {
      for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
        sha256.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not serialize the first message", e);
    }
    return sha256.digest();
  }

  private void fail(Status status) {
    synchronized (lock) {
      state = State.CLOSED;
    }
    delegate.cancel(status.getDescription(), status.getCause());
    closeListener(status);
  }

  private void closeListener(Status status) {
    Listener<RespT> target;
    synchronized (lock) {
      target = listener;
    }
    executor.execute(
        () -> {
          synchronized (callbackLock) {
            target.onClose(status, new Metadata());
          }
        });
  }

  private void earlyOnReady() {
    synchronized (callbackLock) {
      Listener<RespT> target;
      synchronized (lock) {
        if (state != State.DEFERRED) {
          return; // started (the real call will say when it is ready) or closed
        }
        target = listener;
      }
      target.onReady();
    }
  }
}
