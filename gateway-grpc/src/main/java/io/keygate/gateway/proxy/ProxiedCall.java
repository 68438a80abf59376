package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ClientStreamTracer;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.errors.GatewayError;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * One call in flight: the client's server-side call joined to the backend's client-side call.
 *
 * <p>Threading: grpc serialises each side's callbacks, but the two sides run on different
 * threads. So each call object is driven from one side only: the backend call's {@code
 * sendMessage/halfClose/cancel} from the client's callbacks, the client call's {@code
 * sendHeaders/sendMessage/close} from the backend's callbacks. Only {@code request} (thread-safe
 * by contract) and {@code isReady} cross sides, through {@link DemandRelay}.
 */
final class ProxiedCall {
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

  private ProxiedCall(
      ServerCall<byte[], byte[]> fromClient,
      BackendChannels.Lease lease,
      CallOptions options,
      MetadataPolicy policy,
      ProxyRoute route) {
    this.fromClient = fromClient;
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
   * Starts the backend call and returns the listener for the client's side.
   *
   * @param lease released when the backend call ends
   * @param options deadline and the like for the backend call
   * @param route where the call goes and the request id its refusals carry
   * @param backendHeaders already filtered by the policy, gateway headers included
   */
  static ServerCall.Listener<byte[]> start(
      ServerCall<byte[], byte[]> fromClient,
      BackendChannels.Lease lease,
      CallOptions options,
      MetadataPolicy policy,
      ProxyRoute route,
      Metadata backendHeaders) {
    ProxiedCall call = new ProxiedCall(fromClient, lease, options, policy, route);
    call.toBackend.start(call.new BackendListener(), backendHeaders);
    call.requests.start();
    call.responses.start();
    return call.new ClientListener();
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
      // Client gone or its deadline passed: stop the backend's work too.
      toBackend.cancel("the client cancelled the call", null);
    }

    @Override
    public void onReady() {
      responses.sinkReady();
    }
  }

  /** What the backend does, applied to the client's call. */
  private final class BackendListener extends ClientCall.Listener<byte[]> {
    @Override
    public void onHeaders(Metadata headers) {
      fromClient.sendHeaders(policy.responseMetadata(headers));
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
      if (answer.trailersReceived) {
        // The backend's own verdict: code, description and (filtered) trailers go through as sent.
        fromClient.close(status.withCause(null), policy.responseMetadata(trailers));
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
          GatewayError.ofLocalBackendStatus(status.getCode()),
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
