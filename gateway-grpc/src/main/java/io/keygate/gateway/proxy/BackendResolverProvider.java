package io.keygate.gateway.proxy;

import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.Status;
import io.keygate.gateway.model.BackendTarget;
import java.net.URI;

/**
 * The name resolver of one backend's channel, registered on that channel only (grpc's global
 * registry is never changed): grpc's DNS resolver for the DNS form, the {@link ListNameResolver}
 * for the list form; either way every result is reported to {@link BackendResolutions}, so a
 * failing resolution shows in the log and the metrics while grpc keeps the last addresses.
 */
final class BackendResolverProvider extends NameResolverProvider {
  private final BackendTarget target;
  private final NameResolver.Factory dns;
  private final BackendInstances instances;
  private final BackendResolutions resolutions;

  /**
   * @param dns grpc's DNS resolver provider, used for the DNS form
   * @param instances where a list's instances come from
   */
  BackendResolverProvider(BackendTarget target, NameResolver.Factory dns,
      BackendInstances instances, BackendResolutions resolutions) {
    this.target = target;
    this.dns = dns;
    this.instances = instances;
    this.resolutions = resolutions;
  }

  @Override
  public NameResolver newNameResolver(URI uri, NameResolver.Args args) {
    if (!getScheme().equals(uri.getScheme())) {
      return null;
    }
    NameResolver resolver = target.form() == BackendTarget.Form.LIST
        ? new ListNameResolver(target, instances, args.getSynchronizationContext())
        : dns.newNameResolver(uri, args);
    return resolver == null ? null : new Reporting(resolver);
  }

  @Override
  public String getDefaultScheme() {
    return target.form() == BackendTarget.Form.LIST ? "list" : "dns";
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  /** Passes everything through, and tells {@link BackendResolutions} how each result went. */
  private final class Reporting extends NameResolver {
    private final NameResolver delegate;

    Reporting(NameResolver delegate) {
      this.delegate = delegate;
    }

    @Override
    public String getServiceAuthority() {
      return delegate.getServiceAuthority();
    }

    @Override
    public void start(Listener2 listener) {
      delegate.start(new Listener2() {
        @Override
        public void onResult(ResolutionResult result) {
          report(result);
          listener.onResult(result);
        }

        @Override
        public Status onResult2(ResolutionResult result) {
          report(result);
          return listener.onResult2(result);
        }

        @Override
        public void onError(Status error) {
          resolutions.failed(target, error);
          listener.onError(error);
        }
      });
    }

    private void report(ResolutionResult result) {
      var addresses = result.getAddressesOrError();
      if (!addresses.hasValue()) {
        resolutions.failed(target, addresses.getStatus());
      } else if (addresses.getValue().isEmpty()) {
        resolutions.failed(target, Status.UNAVAILABLE.withDescription("no addresses"));
      } else {
        resolutions.resolved(target, addresses.getValue().size());
      }
    }

    @Override
    public void refresh() {
      delegate.refresh();
    }

    @Override
    public void shutdown() {
      delegate.shutdown();
      resolutions.forget(target);
    }
  }
}
