package io.keygate.gateway.dataplane;

import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.Credential;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calls this node let in and is still proxying, so that a revocation reaches them too. Each
 * re-check asks every open call again what a new call is asked ({@link CallAdmission#reconsider}):
 * one that would be refused now is ended with that refusal, and the proxy cancels its backend
 * side. The node re-checks after each new snapshot and on a tick (a credential's end passes
 * without any change in the store); a call is also checked as it opens, so a change that landed
 * while it was being authenticated is not missed between two re-checks.
 *
 * <p>Plain: no gRPC types. Thread-safe: calls open and end on transport threads while re-checks
 * run on the node's; a call is ended at most once, by whichever re-check removes it. A re-check
 * costs one snapshot look-up per open call: no HSM, no store.
 */
public final class OpenCalls {
  private static final Logger LOG = System.getLogger("io.keygate.gateway.dataplane");

  /** Ends one call from outside, from any thread, with a refusal. */
  @FunctionalInterface
  interface Ending {
    /** @param detail for the log only, with the call's request id */
    void end(GatewayError error, String detail);
  }

  /** One watched call. Identity is what counts: the set holds each call once. */
  private static final class Open {
    final AdmittedCall call;
    final Ending ending;

    Open(AdmittedCall call, Ending ending) {
      this.call = call;
      this.ending = ending;
    }
  }

  private final CallAdmission admission;
  private final CallObserver observer;
  private final Set<Open> open = ConcurrentHashMap.newKeySet();

  OpenCalls(CallAdmission admission, CallObserver observer) {
    this.admission = admission;
    this.observer = observer;
  }

  /**
   * Watches {@code call} until {@code ended} completes, and checks it once now.
   *
   * @param ending how to end it if it may not go on
   * @param ended completes when the call is over, however it ended
   */
  void watch(AdmittedCall call, Ending ending, CompletionStage<?> ended) {
    Open entry = new Open(call, ending);
    open.add(entry);
    ended.whenComplete((ignored, failure) -> open.remove(entry));
    recheck(entry);
  }

  /** Re-checks every open call against the configuration and the clock as they are now. */
  public void recheckAll() {
    for (Open entry : open) {
      recheck(entry);
    }
  }

  /** How many calls are open (watched and not over yet). */
  public int size() {
    return open.size();
  }

  private void recheck(Open entry) {
    Optional<Admission.Refused> refused;
    try {
      refused = admission.reconsider(entry.call);
    } catch (RuntimeException e) {
      // A bug on our side: a call that cannot be re-checked cannot be trusted to go on.
      LOG.log(Level.ERROR, "re-check failed unexpectedly request=" + entry.call.requestId(), e);
      refused = Optional.of(
          new Admission.Refused(GatewayError.INTERNAL, e.getClass().getSimpleName()));
    }
    // Removing first makes the end happen once, even when two re-checks race.
    if (refused.isPresent() && open.remove(entry)) {
      end(entry, refused.get());
    }
  }

  private void end(Open entry, Admission.Refused refused) {
    Optional<Credential> caller = entry.call.caller();
    try {
      caller.ifPresent(c -> observer.refused(c.accessKey(), c.appId(), refused.error()));
      entry.ending.end(refused.error(), "ended while open: " + refused.detail());
    } catch (RuntimeException e) {
      LOG.log(Level.ERROR, "could not end request=" + entry.call.requestId(), e);
    }
  }
}
