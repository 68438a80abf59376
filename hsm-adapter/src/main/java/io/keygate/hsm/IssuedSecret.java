package io.keygate.hsm;

/**
 * A new HMAC secret made inside the token, in the two forms that leave it: {@code stored}, wrapped
 * under a KEK for the config store, and {@code forRecipient}, the same secret encrypted to the
 * issuing officer's one-time public key (RSA-OAEP), which only that officer's tool can decrypt.
 * Neither is the secret in the clear; the token destroys its working copy before this returns.
 */
public record IssuedSecret(WrappedSecret stored, byte[] forRecipient) {
  public IssuedSecret {
    if (stored == null || forRecipient == null) {
      throw new IllegalArgumentException("an issued secret has both forms");
    }
    forRecipient = forRecipient.clone();
  }

  @Override
  public byte[] forRecipient() {
    return forRecipient.clone();
  }

  @Override
  public String toString() {
    return "IssuedSecret[" + stored + ", " + forRecipient.length + " bytes for the recipient]";
  }
}
