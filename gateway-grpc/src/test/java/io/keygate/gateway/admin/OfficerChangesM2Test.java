package io.keygate.gateway.admin;

import io.keygate.hsm.testing.SoftHsmTokens;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every change to the security-officers with M = 2. */
class OfficerChangesM2Test extends OfficerChangesContract {
  @RegisterExtension
  static SoftHsmTokens tokens =
      new SoftHsmTokens("oc1", "oc2", "oc3", "oc4", "oc5", "oc6", "oc7", "oc8");

  @Override
  SoftHsmTokens tokens() {
    return tokens;
  }

  @Override
  int required() {
    return 2;
  }
}
