package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

/**
 * A backend already carries {@code maxCallsPerBackend} calls from this node: usually it is slow or
 * hangs. Refusing more keeps it from holding every call the node can carry, so calls to other
 * backends are still served; the client gets {@code RESOURCE_EXHAUSTED BackendBusy}.
 */
public final class BackendBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  BackendBusyException(int maxCalls, BackendTarget target) {
    super("backend " + target + " already has " + maxCalls + " calls open (maxCallsPerBackend)",
        null, false, false); // refused under load: no stack trace to fill
  }
}
