package io.keygate.hsm;

/** Whether the token still answers; the gateway fails closed while it does not. */
public interface TokenHealth {

  /** What the last operation saw; cheap, for every request. */
  HsmHealth health();

  /** Talks to the token now (re-reads its key list, uses the canary) and returns the result. */
  HsmHealth probe();
}
