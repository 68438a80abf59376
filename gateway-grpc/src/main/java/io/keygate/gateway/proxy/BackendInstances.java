package io.keygate.gateway.proxy;

import io.keygate.gateway.model.BackendAddress;
import io.keygate.gateway.model.BackendTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the instances of a {@code list:///} backend come from: the seam for an existing service
 * registry (Consul, etcd, Kubernetes endpoints). The gateway's own implementation, {@link
 * #listed()}, serves the addresses written in the target; an operator's implementation may watch
 * a registry instead and report each new set as it changes. Pass it to {@link
 * BackendChannelsBuilder#instances}; each {@code list:} target's channel subscribes once and
 * closes its subscription when the channel is closed or reaped.
 *
 * <p>Contract: {@link Listener#instances} takes the whole current set (not a change), and an
 * empty set is treated as a failure, so a registry that briefly reports nothing does not empty
 * the backend. After {@link Listener#failed} the channel keeps serving the last set it was given
 * and the node reports the backend as failing to resolve (log and metric) until the next set
 * arrives. Either may be called from any thread, at any time, until the subscription is closed;
 * neither blocks. Implementations must not block in {@link #subscribe} or {@link
 * Subscription#refresh} (they run on the channel's synchronization context): do registry calls
 * on a thread of your own.
 *
 * <p>Trust: the officer allows a tenant's backend by its target text (admin-api.md); addresses
 * an implementation reports are dialled as they are, so the implementation, operator code, is
 * what keeps them within the network the target stands for.
 */
@FunctionalInterface
public interface BackendInstances {

  /**
   * Starts reporting {@code target}'s instances to {@code listener}.
   *
   * @param target a {@link BackendTarget.Form#LIST} target, as the configuration names it
   */
  Subscription subscribe(BackendTarget target, Listener listener);

  /** Receives a target's instances; thread-safe, never blocks. */
  interface Listener {
    /** The target's instances now: every one of them, in the order to prefer. */
    void instances(List<InetSocketAddress> addresses);

    /** The source cannot say what the instances are now; {@code reason} goes to the log. */
    void failed(String reason);
  }

  /** One target's subscription. */
  interface Subscription extends AutoCloseable {
    /**
     * grpc asks again (a connection to an instance was lost, or a failure is being retried with
     * backoff). A source that pushes changes may ignore it.
     */
    default void refresh() {}

    /** No more reports are wanted; further calls to the listener are ignored. */
    @Override
    void close();
  }

  /** The addresses written in the target, reported once (and again on each refresh). */
  static BackendInstances listed() {
    return (target, listener) -> {
      List<InetSocketAddress> addresses = addressesOf(target);
      listener.instances(addresses);
      return new Subscription() {
        @Override
        public void refresh() {
          listener.instances(addresses);
        }

        @Override
        public void close() {}
      };
    };
  }

  /** A list target's instances as socket addresses (IP literals: no lookup happens). */
  static List<InetSocketAddress> addressesOf(BackendTarget target) {
    List<InetSocketAddress> out = new ArrayList<>(target.addresses().size());
    for (BackendAddress a : target.addresses()) {
      try {
        out.add(new InetSocketAddress(InetAddress.getByName(a.host()), a.port()));
      } catch (UnknownHostException e) {
        // The model accepts only IP literals in a list, which InetAddress parses without a lookup.
        throw new IllegalArgumentException("not an IP literal: " + a, e);
      }
    }
    return List.copyOf(out);
  }
}
