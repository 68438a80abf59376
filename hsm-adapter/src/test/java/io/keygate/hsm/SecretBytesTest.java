package io.keygate.hsm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretBytesTest {

  @Test
  void toString_neverShowsTheBytes() {
    byte[] raw = HexFormat.of().parseHex("deadbeefcafebabe");
    SecretBytes s = SecretBytes.copyOf(raw);
    assertThat(s.toString()).isEqualTo("SecretBytes[<sensitive>]").doesNotContainIgnoringCase("deadbeef");
  }

  @Test
  void copyOf_isIndependentOfTheCallersArray_andDestroyZeroesIt() {
    byte[] raw = {1, 2, 3};
    SecretBytes s = SecretBytes.copyOf(raw);
    raw[0] = 9;
    assertThat(s.unsafeCopy()).containsExactly(1, 2, 3);
    s.destroy();
    assertThatThrownBy(s::unsafeCopy).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void random_hasTheAskedLength_andDiffers() {
    SecureRandom rng = new SecureRandom();
    assertThat(SecretBytes.random(32, rng).length()).isEqualTo(32);
    assertThat(SecretBytes.random(32, rng).unsafeCopy()).isNotEqualTo(SecretBytes.random(32, rng).unsafeCopy());
  }
}
