package io.keygate.gateway.credentials;

import io.keygate.hsm.KekId;
import io.keygate.hsm.SecretBytes;

/** A new AccessKey and its AccessSecret, in the one form it is handed to the app developer. */
public sealed interface IssuedCredential
    permits IssuedCredential.InClear, IssuedCredential.ForRecipient {

  String accessKey();

  /**
   * The secret as the gateway drew it, for a node without a key hierarchy: the secret is a token
   * key of its own. Call {@link SecretBytes#destroy()} once it has been delivered.
   */
  record InClear(String accessKey, SecretBytes secret) implements IssuedCredential {
    @Override
    public String toString() {
      return "IssuedCredential[" + accessKey + ", secret=<sensitive>]";
    }
  }

  /**
   * The secret encrypted to the requester's one-time public key.
   *
   * @param kek the KEK the stored copy is wrapped under, made inside the HSM; null when the
   *     secret is a token key of its own (a node without a KEK encrypts it in software, having
   *     drawn it itself)
   */
  record ForRecipient(String accessKey, KekId kek, byte[] secretForRecipient)
      implements IssuedCredential {
    public ForRecipient {
      secretForRecipient = secretForRecipient.clone();
    }

    @Override
    public byte[] secretForRecipient() {
      return secretForRecipient.clone();
    }

    @Override
    public String toString() {
      return "IssuedCredential[" + accessKey + ", kek=" + kek + ", "
          + secretForRecipient.length + " bytes for the recipient]";
    }
  }
}
