package io.keygate.hsm;

/**
 * One AES-256-GCM sealing: the 12-byte IV the adapter drew for it and the ciphertext followed by
 * its 16-byte tag. Not secret.
 */
public record GcmSealed(byte[] iv, byte[] ciphertextAndTag) {
  public static final int IV_BYTES = 12;
  public static final int TAG_BYTES = 16;

  public GcmSealed {
    if (iv == null || iv.length != IV_BYTES || ciphertextAndTag == null
        || ciphertextAndTag.length < TAG_BYTES) {
      throw new IllegalArgumentException("a GCM sealing is a 12-byte IV and at least a tag");
    }
    iv = iv.clone();
    ciphertextAndTag = ciphertextAndTag.clone();
  }

  @Override
  public byte[] iv() {
    return iv.clone();
  }

  @Override
  public byte[] ciphertextAndTag() {
    return ciphertextAndTag.clone();
  }

  @Override
  public String toString() {
    return "GcmSealed[" + ciphertextAndTag.length + " bytes]";
  }
}
