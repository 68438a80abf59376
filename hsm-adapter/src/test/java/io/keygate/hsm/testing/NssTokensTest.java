package io.keygate.hsm.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A machine without NSS fails the NSS suites with the command that installs it: never a skip. */
class NssTokensTest {

  @AfterEach
  void restore() {
    System.clearProperty("keygate.nss.library");
    System.clearProperty("keygate.nss.certutil");
  }

  @Test
  void withoutTheLibrary_failsNamingTheInstallCommand() {
    System.setProperty("keygate.nss.library", "/nonexistent/libsoftokn3.so");
    assertThatThrownBy(() -> new NssTokens("x").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("libsoftokn3.so not found")
        .hasMessageContaining("apt-get install -y libnss3 libnss3-tools");
  }

  @Test
  void withoutCertutil_failsNamingTheInstallCommand() {
    System.setProperty("keygate.nss.certutil", "/nonexistent/certutil");
    assertThatThrownBy(() -> new NssTokens("x").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cannot run /nonexistent/certutil")
        .hasMessageContaining("apt-get install -y libnss3 libnss3-tools");
  }
}
