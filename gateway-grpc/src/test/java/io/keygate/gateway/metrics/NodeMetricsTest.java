package io.keygate.gateway.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** What an operator's JMX console finds: the node's gauges under the domain "keygate", live. */
class NodeMetricsTest {
  private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

  @Test
  void withJmx_publishesEachMetricUnderKeygate_andUnpublishesOnClose() throws Exception {
    AtomicInteger open = new AtomicInteger(7);
    ObjectName name;
    try (NodeMetrics metrics = NodeMetrics.withJmx()) {
      metrics.gauge("keygate.test.open", open::get);
      name = server.queryNames(new ObjectName(NodeMetrics.JMX_DOMAIN + ":*,name=keygate.test.open"),
          null).stream().findFirst().orElseThrow();
      assertThat(server.getAttribute(name, "Value")).isEqualTo(7);
      open.set(8);
      assertThat(server.getAttribute(name, "Value")).isEqualTo(8);
    }
    assertThat(server.isRegistered(name)).isFalse();
  }

  @Test
  void withoutJmx_publishesNothing() throws Exception {
    try (NodeMetrics metrics = NodeMetrics.withoutJmx()) {
      metrics.gauge("keygate.test.hidden", () -> 1);
      assertThat(server.queryNames(
          new ObjectName(NodeMetrics.JMX_DOMAIN + ":*,name=keygate.test.hidden"), null)).isEmpty();
    }
  }
}
