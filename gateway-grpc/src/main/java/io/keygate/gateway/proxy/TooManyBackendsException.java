package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendTarget;

/**
 * {@link BackendChannels} already holds channels to its maximum number of backends and none of
 * them is idle. Usually a configuration problem (more backends than the limit allows), so the
 * message names the limit and the backend that did not get a channel.
 */
public final class TooManyBackendsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TooManyBackendsException(int maxTargets, BackendTarget refused) {
    super(
        "backend channel limit reached: already "
            + maxTargets
            + " backends open, no channel for "
            + refused
            + " (raise maxTargets or reap idle channels)");
  }
}
