package io.keygate.gateway.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any text against the store's id, name and method-name rules: the only refusal is
 * InvalidValueException (INVALID_ARGUMENT), never another exception (INTERNAL), and what is
 * accepted has the documented form.
 */
class IdRulesFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void idRules(byte[] input) {
    String text = new String(input, UTF_8);
    if (accepts(() -> IdRules.id("id", text))) {
      assertThat(text).matches("[A-Za-z0-9._:-]{1,64}");
    }
    if (accepts(() -> IdRules.name("name", text))) {
      assertThat(text).isNotBlank().hasSizeLessThanOrEqualTo(200);
    }
    if (accepts(() -> IdRules.methodName(text))) {
      assertThat(text).hasSizeLessThanOrEqualTo(255).doesNotStartWith("/").contains("/");
    }
  }

  private static boolean accepts(Runnable check) {
    try {
      check.run();
      return true;
    } catch (InvalidValueException refused) {
      return false;
    }
  }
}
