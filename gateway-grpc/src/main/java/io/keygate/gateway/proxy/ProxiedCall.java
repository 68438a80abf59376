package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientStreamTracer;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One call in flight: the client's server-side call joined to the backend's client-side call.
 *
 * <p>Threading: grpc serialises each side's callbacks, but the two sides run on different
 * threads. So each call object is driven from one side only: the backend call's {@code
 * sendMessage/halfClose/cancel} from the client's callbacks, the client call's {@code
 * sendHeaders/sendMessage/close} from the backend's callbacks. Only {@code request} (thread-safe
 * by contract) and {@code isReady} cross sides, through {@link DemandRelay}.
 *
 * <p>Ending it from outside ({@link #end}, a revocation, on the gateway's own thread) keeps to
 * that: the backend call runs in a {@link Context} of its own, and cancelling that context is
 * grpc's thread-safe way to cancel a call; the backend side then closes, and its {@code onClose}
 * answers the client, as it does for every other end.
 */
final class ProxiedCall implements Forwarded {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.proxy");

  private final ServerCall<byte[], byte[]> fromClient;
  private final ClientCall<byte[], byte[]> toBackend;
  private final BackendChannels.Lease lease;
  private final MetadataPolicy policy;
  private final BackendTarget target;
  private final String requestId;
  private final BackendAnswer answer;
  private final DemandRelay requests;
  private final DemandRelay responses;
  /** The backend call's context: cancelled to end the call from any thread. */
  private final Context.CancellableContext scope;
  /** Why the gateway ended the call, set before {@link #scope} is cancelled; null otherwise. */
  private final AtomicReference<Ending> endedBy = new AtomicReference<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final ServerCall.Listener<byte[]> clientListener = new ClientListener();

  private record Ending(GatewayError error, String detail) {}

  /** Call with {@code scope} attached: the backend call takes its context from the thread. */
  private ProxiedCall(
      ServerCall<byte[], byte[]> fromClient,
      BackendChannels.Lease lease,
      CallOptions options,
      MetadataPolicy policy,
      ProxyRoute route,
      Context.CancellableContext scope) {
    this.fromClient = fromClient;
    this.scope = scope;
    this.lease = lease;
    this.policy = policy;
    this.target = route.backend();
    this.requestId = route.requestId();
    this.answer = new BackendAnswer();
    // The descriptor is the byte[] one our registry built; the backend sees the same method name.
    this.toBackend =
        lease
            .channel()
            .newCall(fromClient.getMethodDescriptor(), options.withStreamTracerFactory(answer));
    this.requests = new DemandRelay(toBackend::isReady, () -> fromClient.request(1));
    this.responses = new DemandRelay(fromClient::isReady, () -> toBackend.request(1));
  }

  /**
   * Starts the backend call and returns the call: the listener for the client's side and the
   * handle that ends it.
   *
   * @param lease released when the backend call ends
   * @param options deadline and the like for the backend call
   * @param route where the call goes and the request id its refusals carry
   * @param backendHeaders already filtered by the policy, gateway headers included
   */
  static Forwarded start(
      ServerCall<byte[], byte[]> fromClient,
      BackendChannels.Lease lease,
      CallOptions options,
      MetadataPolicy policy,
      ProxyRoute route,
      Metadata backendHeaders) {
    // A child of the client call's context: the client's deadline and cancellation still reach
    // the backend call, and cancelling this one reaches it too.
    Context.CancellableContext scope = Context.current().withCancellation();
    ProxiedCall call;
    Context previous = scope.attach();
    try {
      // grpc's ClientCall takes its context when it is made: the backend call is in scope.
      call = new ProxiedCall(fromClient, lease, options, policy, route, scope);
    } finally {
      scope.detach(previous);
    }
    // Started outside any call's context: starting may run the channel's own work on this thread
    // (leaving idle, connecting, starting an instance's health-check stream), and a stream started
    // there would take this call's context and die with it; the instance would then count as
    // unhealthy and calls would fail UNAVAILABLE (seen in BackendHealthCheckTest).
    Context.ROOT.run(() -> {
      call.toBackend.start(call.new BackendListener(), backendHeaders);
      call.requests.start();
      call.responses.start();
    });
    return call;
  }

  @Override
  public ServerCall.Listener<byte[]> listener() {
    return clientListener;
  }

  @Override
  public void end(GatewayError error, String detail) {
    if (endedBy.compareAndSet(null, new Ending(error, detail))) {
      // Thread-safe, unlike ClientCall.cancel: the backend call's onClose follows on its own
      // executor and answers the client with the reason set above.
      scope.cancel(null);
    }
  }

  @Override
  public CompletionStage<Void> ended() {
    return ended;
  }

  /** What the client does, applied to the backend call. */
  private final class ClientListener extends ServerCall.Listener<byte[]> {
    @Override
    public void onMessage(byte[] message) {
      toBackend.sendMessage(message);
      requests.delivered();
    }

    @Override
    public void onHalfClose() {
      toBackend.halfClose();
    }

    @Override
    public void onCancel() {
      // Client gone or its deadline passed: stop the backend's work too. Outside the (cancelled)
      // client context, for the reason given in start.
      Context.ROOT.run(() -> toBackend.cancel("the client cancelled the call", null));
    }

    @Override
    public void onReady() {
      responses.sinkReady();
    }
  }

  /**
   * Every call tells its client its request id (spec revision 2.1): in the response headers when the
   * backend sends any, and in the trailers, whoever ended the call. The policy has already dropped
   * any {@code x-keygate-} name the backend sent, so a backend cannot choose the id.
   */
  private Metadata withRequestId(Metadata toClient) {
    toClient.put(ErrorReplies.REQUEST_ID, requestId);
    return toClient;
  }

  /** What the backend does, applied to the client's call. */
  private final class BackendListener extends ClientCall.Listener<byte[]> {
    @Override
    public void onHeaders(Metadata headers) {
      fromClient.sendHeaders(withRequestId(policy.responseMetadata(headers)));
    }

    @Override
    public void onMessage(byte[] message) {
      fromClient.sendMessage(message);
      responses.delivered();
    }

    @Override
    public void onReady() {
      requests.sinkReady();
    }

    @Override
    public void onClose(Status status, Metadata trailers) {
      lease.close();
      try {
        answerClient(status, trailers);
      } finally {
        ended.complete(null);
      }
    }

    private void answerClient(Status status, Metadata trailers) {
      if (answer.trailersReceived) {
        // The backend's own verdict: code, description and (filtered) trailers go through as sent.
        fromClient.close(status.withCause(null), withRequestId(policy.responseMetadata(trailers)));
        return;
      }
      Ending ending = endedBy.get();
      if (ending != null) {
        ErrorReplies.refuse(fromClient, ending.error(), requestId,
            fromClient.getMethodDescriptor().getFullMethodName(), ending.detail());
        return;
      }
      // Produced by our channel (connect failure, deadline, limits): its description can name
      // backend addresses, so the client gets a fixed message and the log the detail.
      if (!(status.getCode() == Status.Code.CANCELLED && fromClient.isCancelled())) {
        LOG.log(
            Level.DEBUG,
            "backend call failed locally: method={0} backend={1} status={2}",
            fromClient.getMethodDescriptor().getFullMethodName(),
            target,
            status);
      }
      ErrorReplies.refuse(
          fromClient,
          GatewayError.ofLocalBackendStatus(status),
          requestId,
          fromClient.getMethodDescriptor().getFullMethodName(),
          "backend " + target + " " + status.getCode());
    }
  }

  /**
   * Notes whether the backend's trailers arrived. grpc reports a status from the wire and one it
   * made up locally the same way; only the transport knows which, and it tells stream tracers.
   */
  private static final class BackendAnswer extends ClientStreamTracer.Factory {
    volatile boolean trailersReceived;

    @Override
    public ClientStreamTracer newClientStreamTracer(
        ClientStreamTracer.StreamInfo info, Metadata headers) {
      return new ClientStreamTracer() {
        @Override
        public void inboundTrailers(Metadata trailers) {
          trailersReceived = true;
        }
      };
    }
  }
}
