package io.keygate.gateway.proxy;

import static io.keygate.gateway.proxy.InstancesFixture.awaitCondition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.keygate.gateway.errors.ErrorReplies;
import io.keygate.gateway.model.BackendTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A backend named by DNS with several addresses: grpc's DNS resolver gives every address, and the
 * channels balance round_robin over them. The name lives in a hosts file of this test's own
 * ({@code jdk.net.hosts.file}, read once when the JVM first resolves a name; each test class has
 * a JVM of its own), so the test needs no DNS server.
 */
class DnsBackendTest {
  private static final String NAME = "instances.keygate.test";

  static {
    try {
      Path hosts = Files.createTempFile("keygate-hosts", ".txt");
      hosts.toFile().deleteOnExit();
      Files.writeString(hosts, "127.0.0.1 localhost\n"
          + "127.0.0.1 " + NAME + "\n127.0.0.2 " + NAME + "\n127.0.0.3 " + NAME + "\n");
      System.setProperty("jdk.net.hosts.file", hosts.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @BeforeAll
  static void theHostsFileIsInUse() throws Exception {
    assertThat(InetAddress.getAllByName(NAME))
        .as("the JVM resolved a name before this class set its hosts file")
        .hasSize(3);
  }

  @Test
  void aNameWithSeveralAddresses_isBalancedRoundRobin() throws Exception {
    // The three instances listen on one port each; DNS gives one port, so all take the first's.
    try (InstancesFixture f = new InstancesFixture(3, List.of(true, true, true), b -> b,
        addresses -> BackendTarget.parse(NAME + ":" + addresses.get(0).port()))) {
      assertThat(f.target.form()).isEqualTo(BackendTarget.Form.DNS);
      int port = f.instances.get(0).port();
      f.instances.subList(1, 3).forEach(i -> {
        i.kill();
        i.start(port);
      });
      f.awaitCallsOn(f.instances, Duration.ofSeconds(10));
      f.resetCounts();
      for (int i = 0; i < 300; i++) {
        f.echo();
      }
      // round_robin: each instance takes a third, give or take a reconnect.
      assertThat(f.instances).allSatisfy(i -> assertThat(i.calls.get()).isBetween(90, 110));
    }
  }

  @Test
  void aNameThatDoesNotResolve_failsCallsFast_andCountsAsFailing() throws Exception {
    try (InstancesFixture f = new InstancesFixture(1, List.of(false), b -> b,
        addresses -> BackendTarget.parse("nowhere.keygate.test:" + addresses.get(0).port()))) {
      StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, f::echo);

      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getTrailers().get(ErrorReplies.ERROR_CODE)).isEqualTo("BackendUnavailable");
      awaitCondition(() -> f.channels.resolutions().failing() == 1, Duration.ofSeconds(10),
          "the failing resolution is counted");
      assertThat(f.channels.resolutions().failingTargets()).containsExactly(f.target);
    }
  }
}
