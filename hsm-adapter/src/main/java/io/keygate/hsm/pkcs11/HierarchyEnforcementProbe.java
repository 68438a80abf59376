package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_WRAP_PAD;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_GENERIC_SECRET_KEY_GEN;

import io.keygate.hsm.HsmOperationException;
import io.keygate.hsm.KekId;
import java.util.ArrayList;
import java.util.List;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Checks, with throwaway session keys, that a token enforces the two rules the key hierarchy
 * rests on: a KEK's unwrap template (no readable or signing copy of a secret), and
 * {@code CKA_EXTRACTABLE=false} (no wrap under a key of one's own). It tests behaviour, not the
 * library's name: SoftHSM2 passes, NSS's software token fails. Leaves nothing behind.
 */
final class HierarchyEnforcementProbe {
  private HierarchyEnforcementProbe() {}

  /**
   * @param copies the token's choice of public or private working copies, learnt here if the
   *     token refuses public ones
   * @throws HsmOperationException naming the rule the token did not enforce
   * @throws PKCS11Exception when the token fails an operation the probe needs
   */
  static void run(Session s, long kekHandle, KekId kek, WorkingCopyPrivacy copies)
      throws PKCS11Exception, HsmOperationException {
    Mechanism kw = new Mechanism(CKM_AES_KEY_WRAP_PAD);
    List<Long> made = new ArrayList<>();
    try {
      long secret = s.generateKey(new Mechanism(CKM_GENERIC_SECRET_KEY_GEN),
          HierarchyTemplates.newSecret(32));
      made.add(secret);
      byte[] blob = s.wrapKey(kw, kekHandle, secret);
      // The data plane's working copy, as the data plane makes it: public, or private on a token
      // that refuses public secret keys (then every later copy is private too).
      long verifyOnly = copies.unwrap(HierarchyTemplates::verifyOnlySessionKey,
          template -> s.unwrapKey(kw, kekHandle, blob, template));
      made.add(verifyOnly);
      // 1. The KEK's unwrap template decides what a copy may be: asking for a readable key that
      // can sign must fail, or a PIN holder could forge calls and read secrets. Asked with the
      // privacy the token took just now, so that it cannot be refused for that alone.
      try {
        made.add(s.unwrapKey(kw, kekHandle, blob, HierarchyTemplates
            .verifyOnlySessionKey(copies.publicCopies()).sign(true).sensitive(false)));
        throw unfit(kek, "unwrapped a readable key that can sign, against the KEK's"
            + " CKA_UNWRAP_TEMPLATE");
      } catch (PKCS11Exception expected) {
        // refused, as it must be
      }
      // 2. A non-extractable key never leaves the token: wrapping the data plane's copy under a
      // key of one's own must fail.
      long own = s.generateKey(new Mechanism(CKM_AES_KEY_GEN), AttributeVector.newAESSecretKey()
          .valueLen(32).token(false).wrap(true).unwrap(false).encrypt(false).decrypt(false));
      made.add(own);
      try {
        s.wrapKey(kw, own, verifyOnly);
        throw unfit(kek, "wrapped a non-extractable key under a key of the user's own");
      } catch (PKCS11Exception expected) {
        // refused, as it must be
      }
    } finally {
      for (long h : made) {
        DirectWrappedMacs.destroyQuietly(s, h);
      }
    }
  }

  private static HsmOperationException unfit(KekId kek, String what) {
    return new HsmOperationException("the PKCS#11 library does not enforce the key hierarchy's"
        + " rules (checked under " + kek + "): it " + what + ". Secrets wrapped under a KEK would"
        + " be no safer than the PIN; use a token that enforces them (SoftHSM2, a hardware HSM),"
        + " or leave KEYGATE_KEK unset (docs/key-hierarchy.md)");
  }
}
