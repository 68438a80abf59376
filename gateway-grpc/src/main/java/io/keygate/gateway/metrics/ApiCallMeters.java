package io.keygate.gateway.metrics;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;
import io.grpc.Status;
import io.keygate.gateway.dataplane.CallOutcomes;
import io.keygate.gateway.dataplane.EndedCall;
import io.keygate.gateway.errors.GatewayError;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Calls per API and outcome, and each API's latency: a meter per (API, gRPC status) and a timer
 * per API. The API is the one the configuration routed the call to, never a name the caller sent:
 * a call that matched no API counts only in a meter per stable error code, all made up front
 * ({@code keygate.calls.unrouted.<code>}), so an anonymous caller cannot make the node create a
 * metric. Bounded like the registry is (at most
 * {@value #MAX_APIS} APIs; past that, further APIs are not metered, and said so once in the log).
 *
 * <p>Hot path: one map look-up, one timer update, one meter mark; metrics are created (and their
 * names built) once per API and status.
 */
final class ApiCallMeters implements CallOutcomes {
  static final String CALLS_PREFIX = "keygate.api.calls.";
  static final String LATENCY_PREFIX = "keygate.api.latency.";
  static final String UNROUTED_PREFIX = "keygate.calls.unrouted.";
  static final String ENDED_PREFIX = "keygate.calls.ended.";
  static final int MAX_APIS = 10_000;
  private static final Status.Code[] CODES = Status.Code.values();

  private final MetricRegistry registry;
  private final ConcurrentHashMap<String, PerApi> byApi = new ConcurrentHashMap<>();
  private final Map<GatewayError, Meter> unrouted = new EnumMap<>(GatewayError.class);
  /** Calls the gateway ended after admitting them: the proxy's refusals, revocations. */
  private final Map<GatewayError, Meter> endedAfterAdmission = new EnumMap<>(GatewayError.class);

  ApiCallMeters(MetricRegistry registry) {
    this.registry = registry;
    for (GatewayError e : GatewayError.values()) {
      unrouted.put(e, registry.meter(UNROUTED_PREFIX + e.code()));
      endedAfterAdmission.put(e, registry.meter(ENDED_PREFIX + e.code()));
    }
  }

  @Override
  public void ended(EndedCall call) {
    String api = call.apiId();
    if (api == null) {
      // Refused before routing (UnknownApi, ConfigUnavailable) or failed there: always a code.
      if (call.error() != null) {
        unrouted.get(call.error()).mark();
      }
      return;
    }
    if (call.admitted() && call.error() != null) {
      endedAfterAdmission.get(call.error()).mark();
    }
    PerApi meters = byApi.get(api);
    if (meters == null) {
      if (byApi.size() >= MAX_APIS) {
        return;
      }
      meters = byApi.computeIfAbsent(api, PerApi::new);
    }
    meters.latency.update(call.latencyNanos(), TimeUnit.NANOSECONDS);
    meters.outcome(call.status()).mark();
  }

  private final class PerApi {
    final String api;
    final Timer latency;
    final AtomicReferenceArray<Meter> outcomes = new AtomicReferenceArray<>(CODES.length);

    PerApi(String api) {
      this.api = api;
      this.latency = registry.timer(LATENCY_PREFIX + api, NodeMetrics::newTimer);
    }

    Meter outcome(Status.Code code) {
      Meter meter = outcomes.get(code.ordinal());
      if (meter == null) {
        // registry.meter is get-or-create: two threads racing here get the same meter.
        meter = registry.meter(CALLS_PREFIX + api + "." + code.name());
        outcomes.set(code.ordinal(), meter);
      }
      return meter;
    }
  }
}
