package io.keygate.gateway.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keygate.gateway.auth.NonceStoreUnavailableException;
import org.junit.jupiter.api.Test;

class RedisNonceKeysTest {
  private final RedisNonceKeys keys = new RedisNonceKeys();

  @Test
  void anAccessKeysNonces_liveUnderOneHashTag_namingTenantAndKey() throws Exception {
    assertThat(keys.forAccessKey("acme", "AK.1_x:y-z")).isEqualTo("kg:nonce:{acme/AK.1_x:y-z}");
  }

  @Test
  void bracesSlashesAndPercents_areEscaped_soNoIdCanMoveIntoAnotherKeysHashTag()
      throws Exception {
    assertThat(keys.forAccessKey("a}b", "{x/y%"))
        .isEqualTo("kg:nonce:{a%7Db/%7Bx%2Fy%25}");
    assertThat(keys.forAccessKey("a/b", "c")).isNotEqualTo(keys.forAccessKey("a", "b/c"));
    assertThat(keys.forAccessKey("é", "k")).isEqualTo("kg:nonce:{%C3%A9/k}");
  }

  @Test
  void anEmptyOrOverlongId_failsClosed() {
    assertThatThrownBy(() -> keys.forAccessKey("", "AK1"))
        .isInstanceOf(NonceStoreUnavailableException.class);
    assertThatThrownBy(() -> keys.forAccessKey("acme", "}".repeat(100)))
        .isInstanceOf(NonceStoreUnavailableException.class)
        .hasMessageNotContaining("}}}");
  }
}
