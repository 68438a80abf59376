package io.keygate.gateway.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.keygate.gateway.dataplane.CallObserver;
import io.keygate.gateway.errors.GatewayError;
import io.keygate.gateway.model.Credential;
import java.util.EnumMap;
import java.util.Map;

/**
 * Meters of the data plane's authentication outcomes: one for authenticated calls, one per stable
 * error code for refusals. Created up front, so that a refusal flood costs an array lookup and
 * an increment, and an anonymous caller cannot make the node create metrics.
 */
final class CallMeters implements CallObserver {
  static final String AUTHENTICATED = "keygate.calls.authenticated";
  static final String REFUSED_PREFIX = "keygate.calls.refused.";

  private final Meter authenticated;
  private final Map<GatewayError, Meter> refused = new EnumMap<>(GatewayError.class);

  CallMeters(MetricRegistry registry) {
    authenticated = registry.meter(AUTHENTICATED);
    for (GatewayError e : GatewayError.values()) {
      refused.put(e, registry.meter(REFUSED_PREFIX + e.code()));
    }
  }

  @Override
  public void authenticated(Credential caller) {
    authenticated.mark();
  }

  @Override
  public void refused(String accessKey, String appId, GatewayError error) {
    refused.get(error).mark();
  }
}
