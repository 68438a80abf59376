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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Stands between the client and the proxy of an admitted call whose later messages need the HSM:
 * a v2 call (docs/signature-spec.md, section 13), a call of an API that encrypts
 * (docs/payload-encryption.md, section 9), or both. Each request message after the first is
 * checked by its {@link MessageChain} (v2), then turned by the call's {@link RequestPayloads}
 * (opened and/or sealed), and only then handed to the proxy; the half-close of a v2 call is passed
 * on only after the end marker verified. At the first bad message (or a half-close without the end
 * marker) the call is ended with its code and the backend call cancelled: the backend receives
 * nothing from that point on. A v1 call has no chain: its messages take the payload step alone,
 * through the same queue.
 *
 * <p>Where the token work runs: a v2 call of an API that encrypts nothing has only MAC checks of
 * 88 bytes to make, and makes them on the client's event loop while {@link LoopChecks} lets it
 * (the token fast, a loop left free), as the call's first check; otherwise, and always for
 * payloads (whose cost grows with the message), on the {@link HsmLane}.
 *
 * <p>Threading: messages and the half-close queue up in arrival order and are drained one at a
 * time, so they reach the proxy in order. On the lane one task drains them, and every call into
 * the proxy's listener is made under this object's lock (never held during the HSM check). On the
 * loop the lock is held throughout, check included: only that loop calls this listener then (the
 * lane drains nothing while the loop does). Either way the proxy is entered by one thread at a
 * time, as gRPC promises a listener. The queue holds at most what the proxy asked for: it requests
 * messages only as the backend takes them.
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
  private final LoopChecks loopChecks;
  /** Whether the calling thread is one of the node's event loops. */
  private final BooleanSupplier onLoop;
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
   * @param onLoop whether the calling thread is one of the node's event loops
   * @param refusals told each refusal of a message (the security events); must not block
   */
  ChainedMessages(ServerCall<byte[], byte[]> call, Forwarded forwarded, MessageChain chain,
      RequestPayloads payloads, boolean firstSent, Executor hsmLane, LoopChecks loopChecks,
      BooleanSupplier onLoop, String requestId, Consumer<GatewayError> refusals) {
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
    this.loopChecks = loopChecks;
    this.onLoop = onLoop;
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
    if (payloads == null && onLoop.getAsBoolean()) {
      drainOnLoop();
    } else {
      toLane();
    }
  }

  /** Under the lock: the lane drains what is queued; a full lane ends the call. */
  private void toLane() {
    try {
      hsmLane.execute(this::drain);
    } catch (RejectedExecutionException e) {
      draining = false;
      stop(GatewayError.HSM_BUSY, "the HSM lane is full at a stream message");
    }
  }

  /**
   * Under the lock, on the client's loop: passes what is queued, each message's check holding a
   * loop permit of its own; the rest goes to the lane once {@link LoopChecks} says no.
   */
  private void drainOnLoop() {
    byte[] item;
    while (!stopped && (item = pending.peek()) != null) {
      if (item != HALF_CLOSE && !loopChecks.tryEnter()) {
        toLane();
        return;
      }
      pending.poll();
      if (!pass(item, true)) {
        return;
      }
    }
    draining = false;
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
      if (!pass(item, false)) {
        return;
      }
    }
  }

  /**
   * Checks one item and passes it on; false once the call is stopped (draining ends then). A
   * message's check on a loop gives its permit back; its duration, wherever it ran, goes to
   * {@link LoopChecks} when it was a MAC check alone (no payload step, whose cost depends on the
   * message's size).
   */
  private boolean pass(byte[] item, boolean onLoop) {
    MessageChain.Step step;
    byte[] forward = null;
    long start = System.nanoTime();
    try {
      step = check(item);
      if (step instanceof MessageChain.Forward f) {
        // Outside the lock on the lane, after the message's signature verified (v2).
        forward = payloads == null ? f.payload() : payloads.next(f.payload());
      }
    } catch (PayloadException e) {
      GatewayError error = GatewayError.of(e.failure());
      refusals.accept(error); // before the client can hear of it
      stopAndLog(error, "stream message: " + e.getMessage());
      return false;
    } catch (HsmException e) {
      stopAndLog(GatewayError.HSM_UNAVAILABLE, "hsm at a stream message: " + e.getMessage());
      return false;
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "stream message check failed unexpectedly request=" + requestId, e);
      stopAndLog(GatewayError.INTERNAL, e.getClass().getSimpleName());
      return false;
    } finally {
      long took = System.nanoTime() - start;
      if (item != HALF_CLOSE) { // a half-close needs no token: it took no permit
        if (onLoop) {
          loopChecks.leave(took);
        } else if (payloads == null) {
          loopChecks.record(took);
        }
      }
    }
    synchronized (this) {
      if (stopped) {
        draining = false;
        return false;
      }
      if (step instanceof MessageChain.Refused refused) {
        draining = false;
        GatewayError error = GatewayError.of(refused.rejection().failure());
        refusals.accept(error); // before the client can hear of it
        stop(error, refused.rejection().logDetail());
        return false;
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
      return true;
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
