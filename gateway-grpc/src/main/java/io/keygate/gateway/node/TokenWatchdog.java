package io.keygate.gateway.node;

import io.keygate.hsm.HsmHealth;
import io.keygate.hsm.TokenHealth;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Gives up on a token that stayed unavailable: SunPKCS11 does not recover a lost token in-process,
 * so a node whose token has been DOWN for {@code giveUpAfter} runs {@code onLost} once (a node
 * process exits 3 for its supervisor to restart it; docs/operations.md, "Supervision"). Until
 * then, and meanwhile, signed calls fail closed with HsmUnavailable and health is NOT_SERVING.
 * Reads only what the last token call or probe saw: it never talks to the token itself.
 */
final class TokenWatchdog implements Runnable {
  private static final Logger LOG = System.getLogger("io.keygate.gateway");

  private final TokenHealth hsm;
  private final Clock clock;
  private final Duration giveUpAfter;
  private final Runnable onLost;
  private boolean fired;

  TokenWatchdog(TokenHealth hsm, Clock clock, Duration giveUpAfter, Runnable onLost) {
    this.hsm = Objects.requireNonNull(hsm, "hsm");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.giveUpAfter = Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    this.onLost = Objects.requireNonNull(onLost, "onLost");
  }

  @Override
  public synchronized void run() {
    HsmHealth health = hsm.health();
    if (fired || health.isUp()) {
      return;
    }
    Duration down = Duration.between(health.since(), clock.instant());
    if (down.compareTo(giveUpAfter) >= 0) {
      fired = true;
      LOG.log(Level.ERROR, "HSM token unavailable for {0} s ({1}): giving up on it, for the"
          + " supervisor to restart the node", down.toSeconds(), health.reason());
      onLost.run();
    }
  }
}
