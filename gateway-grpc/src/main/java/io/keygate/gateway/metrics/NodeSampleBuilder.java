package io.keygate.gateway.metrics;

import io.prometheus.client.Collector.MetricFamilySamples.Sample;
import io.prometheus.client.dropwizard.samplebuilder.SampleBuilder;
import java.util.ArrayList;
import java.util.List;

/**
 * Names the node's samples for Prometheus where the plain translation (dots to underscores) is not
 * enough. Timers ({@code *.latency}) get the unit the bridge exports them in: {@code _seconds}.
 * The per-API metrics' Dropwizard names become Prometheus labels:
 * {@code keygate.api.calls.<api>.<STATUS>} becomes {@code keygate_api_calls_total{api,status}} and
 * {@code keygate.api.latency.<api>} becomes {@code keygate_api_latency_seconds{api}}. An API id may
 * itself hold dots (IdRules allow {@code [A-Za-z0-9._:-]}), which a glob mapping cannot split; the
 * status never does, so it is what follows the last dot. Every other name goes to {@code others}.
 */
final class NodeSampleBuilder implements SampleBuilder {
  private static final String CALLS = "keygate_api_calls";
  private static final String LATENCY = "keygate_api_latency_seconds";
  private static final String LATENCY_SUFFIX = ".latency";

  private final SampleBuilder others;

  NodeSampleBuilder(SampleBuilder others) {
    this.others = others;
  }

  @Override
  public Sample createSample(String dropwizardName, String nameSuffix,
      List<String> additionalLabelNames, List<String> additionalLabelValues, double value) {
    String suffix = nameSuffix == null ? "" : nameSuffix;
    if (dropwizardName.startsWith(ApiCallMeters.CALLS_PREFIX)) {
      int dot = dropwizardName.lastIndexOf('.');
      String api = dropwizardName.substring(ApiCallMeters.CALLS_PREFIX.length(), dot);
      return new Sample(CALLS + suffix,
          with(additionalLabelNames, "api", "status"),
          with(additionalLabelValues, api, dropwizardName.substring(dot + 1)), value);
    }
    if (dropwizardName.startsWith(ApiCallMeters.LATENCY_PREFIX)) {
      String api = dropwizardName.substring(ApiCallMeters.LATENCY_PREFIX.length());
      return new Sample(LATENCY + suffix, with(additionalLabelNames, "api"),
          with(additionalLabelValues, api), value);
    }
    if (dropwizardName.endsWith(LATENCY_SUFFIX)) {
      // Our own names: lower case letters and dots only.
      return new Sample(dropwizardName.replace('.', '_') + "_seconds" + suffix,
          additionalLabelNames, additionalLabelValues, value);
    }
    return others.createSample(
        dropwizardName, nameSuffix, additionalLabelNames, additionalLabelValues, value);
  }

  private static List<String> with(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first.size() + more.length);
    all.addAll(first);
    all.addAll(List.of(more));
    return all;
  }
}
