package io.keygate.gateway.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {
  private static final Duration T = RedisSettings.DEFAULT_TIMEOUT;

  @Test
  void parse_readsHostPortDatabaseAndTls() {
    RedisSettings plain = RedisSettings.parse("redis://redis.internal:6380/2", Optional.empty(), T);
    assertThat(plain).isEqualTo(new RedisSettings("redis.internal", 6380, 2, false,
        Optional.empty(), Optional.empty(), T));

    RedisSettings tls = RedisSettings.parse("rediss://keygate@[::1]", Optional.empty(), T);
    assertThat(tls).isEqualTo(new RedisSettings("::1", 6379, 0, true, Optional.of("keygate"),
        Optional.empty(), T));
  }

  @Test
  void parse_refusesAPasswordInTheUri_withoutRepeatingIt() {
    assertThatThrownBy(() -> RedisSettings.parse("redis://user:hunter2@host:6379", Optional.empty(), T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("KEYGATE_REDIS_PASSWORD_FILE")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> RedisSettings.parse("redis://:hunter2@host", Optional.empty(), T))
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void parse_refusesOtherSchemesQueriesAndBadDatabases() {
    for (String bad : new String[] {"http://host:6379", "host:6379", "redis://host:6379/x",
        "redis://host:6379/0?password=x", "redis://host:99999", "redis:///0", "redis://host/12345"}) {
      assertThatThrownBy(() -> RedisSettings.parse(bad, Optional.empty(), T)).as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("password=x");
    }
  }

  @Test
  void toString_namesThePasswordFile_neverAPassword() {
    RedisSettings s = RedisSettings.parse("rediss://keygate@host:6379/1",
        Optional.of(Path.of("/etc/keygate/redis-password")), T);
    assertThat(s.toString()).isEqualTo("rediss://keygate@host:6379/1 (password file"
        + " /etc/keygate/redis-password, timeout 250 ms)");
  }
}
