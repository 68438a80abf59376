package io.keygate.gateway.dataplane;

import io.grpc.ServerCall;
import io.keygate.gateway.auth.MessageChain;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.payload.PayloadException;
import io.keygate.gateway.payload.RequestPayloads;
import io.keygate.gateway.proxy.Forwarded;
import io.keygate.hsm.HsmException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Stands between the client and the proxy of an admitted call whose later messages need the HSM:
 * a v2 call (docs/signature-spec.md, section 13), a call of an API that encrypts
 * (docs/payload-encryption.md, section 9), or both. Each request message after the first is
 * checked by its {@link MessageChain} (v2) on the {@link HsmLane} (the check blocks in the token),
 * then turned by the call's {@link RequestPayloads} (opened and/or sealed), and only then handed to
 * the proxy; the half-close of a v2 call is passed on only after the end marker verified. At the
 * first bad message (or a half-close without the end marker) the call is ended with its code and
 * the backend call cancelled: the backend receives nothing from that point on. A v1 call has no
 * chain: its messages take the payload step alone, through the same queue.
 *
 * <p>Threading: messages and the half-close queue up in arrival order and one task at a time
 * drains them on the lane, so they reach the proxy in order. Every call into the proxy's listener
 * is made under this object's lock (never held during the HSM check), so the proxy is entered by
 * one thread at a time, as gRPC promises a listener. The queue holds at most what the proxy asked
 * for: it requests messages only as the backend takes them.
 */
final class ChainedMessages extends ServerCall.Listener<byte[]> {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");
  private static final byte[] HALF_CLOSE = new byte[0];

  private final ServerCall<byte[], byte[]> call;
  private final Forwarded forwarded;
  private final ServerCall.Listener<byte[]> proxy;
  /** Null for a v1 call: no per-message signature. */
  private final MessageChain chain;
  /** Null for an API that encrypts nothing. */
  private final RequestPayloads payloads;
  private final Executor hsmLane;
  private final String requestId;
  private final Consumer<GatewayError> refusals;
  // Guarded by this. HALF_CLOSE (by identity) stands for the half-close in the queue.
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private boolean draining;
  private boolean stopped;
  /** The signed first message, which the handler delivers first: it bypasses the chain. */
  private boolean signedFirstPending;

  /**
   * @param chain the v2 call's chain; null for a v1 call
   * @param payloads the call's payload step (message 1 on); null if its API encrypts nothing
   * @param firstSent whether the handler delivers the first message, checked and turned already
   * @param refusals told each refusal of a message (the security events); must not block
   */
  ChainedMessages(ServerCall<byte[], byte[]> call, Forwarded forwarded, MessageChain chain,
      RequestPayloads payloads, boolean firstSent, Executor hsmLane, String requestId,
      Consumer<GatewayError> refusals) {
    if (chain == null && payloads == null) {
      throw new IllegalArgumentException("nothing to check: the proxy's listener will do");
    }
    this.call = call;
    this.forwarded = forwarded;
    this.refusals = refusals;
    this.signedFirstPending = firstSent;
    this.proxy = forwarded.listener();
    this.chain = chain;
    this.payloads = payloads;
    this.hsmLane = hsmLane;
    this.requestId = requestId;
  }

  @Override
  public synchronized void onMessage(byte[] message) {
    if (signedFirstPending) {
      signedFirstPending = false; // checked with the call's signature already
      proxy.onMessage(message);
      return;
    }
    enqueue(message);
  }

  @Override
  public synchronized void onHalfClose() {
    enqueue(HALF_CLOSE);
  }

  @Override
  public synchronized void onCancel() {
    stopped = true;
    pending.clear();
    proxy.onCancel();
  }

  @Override
  public synchronized void onComplete() {
    stopped = true;
    proxy.onComplete();
  }

  @Override
  public synchronized void onReady() {
    proxy.onReady();
  }

  private void enqueue(byte[] item) {
    if (stopped) {
      return;
    }
    pending.add(item);
    if (draining) {
      return;
    }
    draining = true;
    try {
      hsmLane.execute(this::drain);
    } catch (RejectedExecutionException e) {
      draining = false;
      stop(GatewayError.HSM_BUSY, "the HSM lane is full at a stream message");
    }
  }

  /** On the HSM lane: checks and passes on what is queued, in order, until the queue is empty. */
  private void drain() {
    while (true) {
      byte[] item;
      synchronized (this) {
        item = stopped ? null : pending.poll();
        if (item == null) {
          draining = false;
          return;
        }
      }
      MessageChain.Step step;
      byte[] forward = null;
      try {
        step = check(item);
        if (step instanceof MessageChain.Forward f) {
          // On the lane, outside the lock, after the message's signature verified (v2).
          forward = payloads == null ? f.payload() : payloads.next(f.payload());
        }
      } catch (PayloadException e) {
        GatewayError error = GatewayError.of(e.failure());
        refusals.accept(error); // before the client can hear of it
        stopAndLog(error, "stream message: " + e.getMessage());
        return;
      } catch (HsmException e) {
        stopAndLog(GatewayError.HSM_UNAVAILABLE, "hsm at a stream message: " + e.getMessage());
        return;
      } catch (RuntimeException e) {
        LOG.log(Level.ERROR, "stream message check failed unexpectedly request=" + requestId, e);
        stopAndLog(GatewayError.INTERNAL, e.getClass().getSimpleName());
        return;
      }
      synchronized (this) {
        if (stopped) {
          draining = false;
          return;
        }
        if (step instanceof MessageChain.Refused refused) {
          draining = false;
          GatewayError error = GatewayError.of(refused.rejection().failure());
          refusals.accept(error); // before the client can hear of it
          stop(error, refused.rejection().logDetail());
          return;
        }
        if (forward != null) {
          proxy.onMessage(forward);
        } else if (item == HALF_CLOSE) {
          proxy.onHalfClose();
        }
        // A verified end marker: nothing to pass on; the half-close follows. It used up the
        // proxy's request for a message, so ask for one more ourselves: a message sent after the
        // marker is then read and refused, instead of holding the call (and the half-close
        // behind it) until its deadline.
        if (step instanceof MessageChain.EndMarker && item != HALF_CLOSE) {
          call.request(1);
        }
      }
    }
  }

  /** The chain's verdict on a v2 call's item; a v1 call's message passes, as its half-close. */
  private MessageChain.Step check(byte[] item) throws HsmException {
    if (chain != null) {
      return item == HALF_CLOSE ? chain.halfClose() : chain.accept(item);
    }
    return item == HALF_CLOSE ? new MessageChain.EndMarker() : new MessageChain.Forward(item);
  }

  private void stopAndLog(GatewayError error, String detail) {
    synchronized (this) {
      draining = false;
      stop(error, detail);
    }
  }

  /** Under the lock: forwards nothing more, cancels the backend call, answers the client. */
  private void stop(GatewayError error, String detail) {
    stopped = true;
    pending.clear();
    forwarded.end(error, detail);
  }
}
