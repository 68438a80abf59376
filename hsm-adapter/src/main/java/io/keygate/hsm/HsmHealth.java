package io.keygate.hsm;

import java.time.Instant;

/**
 * What the adapter last saw of the token. The gateway fails closed while the status is {@code DOWN}.
 *
 * @param reason a short cause (a CKR name or "ok"), never secret material
 * @param since when the status last changed
 */
public record HsmHealth(Status status, String reason, Instant since) {
  public enum Status {
    UP,
    DOWN
  }

  public boolean isUp() {
    return status == Status.UP;
  }
}
