package io.keygate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.dropwizard.samplebuilder.DefaultSampleBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prometheus names and labels of the node's own metrics, API ids with dots and colons included. */
class NodeSampleBuilderTest {
  private final NodeSampleBuilder builder = new NodeSampleBuilder(new DefaultSampleBuilder());

  @Test
  void perApiCalls_becomeApiAndStatusLabels_evenForAnApiIdWithDots() {
    Sample sample = builder.createSample(
        ApiCallMeters.CALLS_PREFIX + "payments.v2:charge.PERMISSION_DENIED", "_total",
        List.of(), List.of(), 3);

    assertThat(sample.name).isEqualTo("keygate_api_calls_total");
    assertThat(sample.labelNames).containsExactly("api", "status");
    assertThat(sample.labelValues).containsExactly("payments.v2:charge", "PERMISSION_DENIED");
    assertThat(sample.value).isEqualTo(3);
  }

  @Test
  void perApiLatency_isInSeconds_withTheQuantileAndTheApi() {
    Sample sample = builder.createSample(ApiCallMeters.LATENCY_PREFIX + "api-echo", "",
        List.of("quantile"), List.of("0.99"), 0.002);

    assertThat(sample.name).isEqualTo("keygate_api_latency_seconds");
    assertThat(sample.labelNames).containsExactly("quantile", "api");
    assertThat(sample.labelValues).containsExactly("0.99", "api-echo");
  }

  @Test
  void otherTimers_getTheirUnit_andEverythingElseIsLeftToTheDefault() {
    assertThat(builder.createSample(TimedMacVerifier.LATENCY, "_count", List.of(), List.of(), 7)
        .name).isEqualTo("keygate_hsm_verify_latency_seconds_count");
    assertThat(builder.createSample(TimedNonceStore.ERRORS, "_total", List.of(), List.of(), 1)
        .name).isEqualTo("keygate_nonces_errors_total");
  }
}
