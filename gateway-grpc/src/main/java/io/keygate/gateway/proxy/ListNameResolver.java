package io.keygate.gateway.proxy;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import io.keygate.gateway.model.BackendTarget;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * grpc's side of a {@code list:///} target: reports the instances a {@link BackendInstances}
 * gives it, each as its own address group, so round_robin keeps one subchannel per instance.
 * Whatever thread the source reports on, grpc hears it on the channel's synchronization context.
 */
final class ListNameResolver extends NameResolver {
  private final BackendTarget target;
  private final BackendInstances source;
  private final SynchronizationContext sync;
  // Read and written on the synchronization context only.
  private Listener2 listener;
  private BackendInstances.Subscription subscription;
  private boolean shutdown;

  ListNameResolver(BackendTarget target, BackendInstances source, SynchronizationContext sync) {
    this.target = target;
    this.source = source;
    this.sync = sync;
  }

  @Override
  public String getServiceAuthority() {
    return target.authority();
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = listener;
    try {
      subscription = source.subscribe(target, new Reports());
    } catch (RuntimeException e) {
      // An operator's source must not take the channel down: the channel retries with backoff.
      listener.onError(Status.UNAVAILABLE.withDescription("instance source failed to subscribe")
          .withCause(e));
    }
  }

  @Override
  public void refresh() {
    if (subscription == null && !shutdown) {
      start(listener);
    } else if (subscription != null) {
      subscription.refresh();
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
    if (subscription != null) {
      subscription.close();
    }
  }

  /** Hops every report onto the synchronization context; drops them after shutdown. */
  private final class Reports implements BackendInstances.Listener {
    @Override
    public void instances(List<InetSocketAddress> addresses) {
      List<InetSocketAddress> copy = List.copyOf(addresses);
      sync.execute(() -> {
        if (shutdown) {
          return;
        }
        if (copy.isEmpty()) {
          // An empty set from a registry is more often a fault than a fact: keep the last set.
          listener.onError(Status.UNAVAILABLE.withDescription("the instance source reported none"));
          return;
        }
        List<EquivalentAddressGroup> groups = new ArrayList<>(copy.size());
        copy.forEach(a -> groups.add(new EquivalentAddressGroup(a)));
        listener.onResult2(ResolutionResult.newBuilder()
            .setAddressesOrError(StatusOr.fromValue(groups))
            .build());
      });
    }

    @Override
    public void failed(String reason) {
      sync.execute(() -> {
        if (!shutdown) {
          listener.onError(Status.UNAVAILABLE.withDescription(reason));
        }
      });
    }
  }
}
