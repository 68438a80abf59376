package io.keygate.gateway.proxy;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.keygate.gateway.model.BackendTarget;
import io.keygate.gateway.model.BackendTls;
import io.keygate.hsm.TlsKeys;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the gateway secures its connection to each backend: which policy applies to a target now,
 * and the channel credentials for a policy. {@link BackendChannels} asks for the policy on every
 * call and rebuilds a target's channel when it changed, so a policy change reaches new calls at
 * once while calls in flight finish on the old connection.
 */
public interface BackendCredentials {

  /** The officer's policy for {@code target} now; empty for plaintext. Cheap: a look-up. */
  Optional<BackendTls> policyFor(BackendTarget target);

  /**
   * Credentials for a channel built under {@code policy} (plaintext when empty).
   *
   * @throws BackendTlsException if they cannot be built (the client key is not in the HSM, say)
   */
  ChannelCredentials credentials(Optional<BackendTls> policy) throws BackendTlsException;

  /** Every backend plaintext (h2c): only for backends on a trusted network or loopback. */
  static BackendCredentials plaintext() {
    return new BackendCredentials() {
      @Override
      public Optional<BackendTls> policyFor(BackendTarget target) {
        return Optional.empty();
      }

      @Override
      public ChannelCredentials credentials(Optional<BackendTls> policy) {
        return InsecureChannelCredentials.create();
      }
    };
  }

  /**
   * The officers' policies, e.g. {@code target -> snapshots.current().backendTls(target)}; mutual
   * TLS presents the client certificate of an HSM key from {@code keys}.
   */
  static BackendCredentials configured(
      Function<BackendTarget, Optional<BackendTls>> policies, TlsKeys keys) {
    return new BackendTlsCredentials(policies, keys);
  }
}
