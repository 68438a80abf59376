package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_SHA256_HMAC;

import org.xipki.pkcs11.wrapper.Mechanism;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The HMAC check through {@code org.xipki:ipkcs11wrapper}: works on every JVM, but its native part
 * looks classes up by name on every {@code C_VerifyInit} (about a third of a SoftHSM2 check,
 * docs/benchmarks.md), so it is the fallback to {@link JdkMacCheck}.
 */
final class WrapperMacCheck implements MacCheck {
  @Override
  public long verify(Session session, long key, byte[] data, byte[] mac) throws Exception {
    try {
      session.verifyInit(new Mechanism(CKM_SHA256_HMAC), key);
      session.verify(data, mac);
      return CKR_OK;
    } catch (PKCS11Exception e) {
      return e.getErrorCode();
    }
  }

  @Override
  public String name() {
    return "wrapper";
  }
}
