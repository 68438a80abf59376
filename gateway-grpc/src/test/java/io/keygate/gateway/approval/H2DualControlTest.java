package io.keygate.gateway.approval;

import io.keygate.gateway.config.TestDatabase;
import java.nio.file.Path;

/** The dual-control contract on H2 (a database of its own for each test). */
class H2DualControlTest extends DualControlContract {
  @Override
  TestDatabase createDatabase(Path dir) {
    return TestDatabase.h2(dir);
  }
}
