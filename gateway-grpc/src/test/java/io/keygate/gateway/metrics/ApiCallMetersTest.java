package io.keygate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.codahale.metrics.MetricRegistry;
import io.grpc.Status;
import io.keygate.gateway.dataplane.EndedCall;
import io.keygate.gateway.errors.GatewayError;
import org.junit.jupiter.api.Test;

/** What each kind of ended call counts in, and what it must not. */
class ApiCallMetersTest {
  private final MetricRegistry registry = new MetricRegistry();
  private final ApiCallMeters meters = new ApiCallMeters(registry);

  @Test
  void aCallTheProxyRefusedAfterAdmission_countsByItsCode_andForItsApi() {
    meters.ended(call("echo", true, Status.Code.RESOURCE_EXHAUSTED, GatewayError.BACKEND_BUSY));

    assertThat(count("keygate.calls.ended.BackendBusy")).isEqualTo(1);
    assertThat(count("keygate.api.calls.echo.RESOURCE_EXHAUSTED")).isEqualTo(1);
    assertThat(count("keygate.calls.unrouted.BackendBusy")).isZero();
  }

  @Test
  void aRefusalBeforeAdmission_orTheBackendsOwnStatus_isNoEndingByTheGateway() {
    meters.ended(call("echo", false, Status.Code.UNAUTHENTICATED, GatewayError.BAD_SIGNATURE));
    meters.ended(call("echo", true, Status.Code.NOT_FOUND, null));

    assertThat(count("keygate.calls.ended." + GatewayError.BAD_SIGNATURE.code())).isZero();
    assertThat(registry.getMeters().entrySet().stream()
        .filter(e -> e.getKey().startsWith("keygate.calls.ended."))
        .mapToLong(e -> e.getValue().getCount()).sum()).isZero();
    assertThat(count("keygate.api.calls.echo.NOT_FOUND")).isEqualTo(1);
  }

  @Test
  void everyCodeExistsFromTheStart_soNoCallerMakesAMetric() {
    for (GatewayError e : GatewayError.values()) {
      assertThat(registry.getMeters()).containsKey("keygate.calls.ended." + e.code());
    }
  }

  private long count(String name) {
    var meter = registry.getMeters().get(name);
    return meter == null ? 0 : meter.getCount();
  }

  private static EndedCall call(String api, boolean admitted, Status.Code status,
      GatewayError error) {
    return new EndedCall(0, "req", "keygate.demo.v1.EchoService/Echo", api, "acme", "acme-app",
        "AKtest", admitted, status, error, 1_000, 10, 10);
  }
}
