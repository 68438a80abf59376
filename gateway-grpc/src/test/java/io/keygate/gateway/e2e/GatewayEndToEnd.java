package io.keygate.gateway.e2e;

import io.keygate.hsm.testing.SoftHsmTokens;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One gateway (fresh token, store and backends) per end-to-end test class. */
abstract class GatewayEndToEnd {
  @RegisterExtension static SoftHsmTokens tokens = new SoftHsmTokens("gateway");
  static GatewayFixture gw;

  @BeforeAll
  static void startGateway() throws Exception {
    gw = new GatewayFixture(tokens).start("gateway", List.of());
  }

  @AfterAll
  static void stopGateway() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }
}
