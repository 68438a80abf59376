package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_READ_ONLY;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_TYPE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_VALUE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TEMPLATE_INCONSISTENT;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;

/**
 * Whether one token's data-plane working copies (unwrapped session keys: verify-only, seal-only,
 * open-only) are public or private objects. Public first: on SoftHSM2 a private object's value is
 * decrypted again on every use, half the HMAC check (docs/key-hierarchy.md, "Public working
 * copies"). A token whose policy refuses a public secret key answers the unwrap with a template
 * error; the same unwrap is then made private, and if that works every later copy of this token
 * is private too, said once in the log. Any other failure, and a private unwrap's own failure, is
 * passed on as it is: a blob the KEK rejects
 * ({@link io.keygate.hsm.WrappedSecretRejectedException}) is not retried. Thread-safe.
 */
final class WorkingCopyPrivacy {
  private static final System.Logger LOG = System.getLogger(WorkingCopyPrivacy.class.getName());

  /** What a token may answer for a template it will not make, here for CKA_PRIVATE=false. */
  private static final Set<Long> TEMPLATE_REFUSED = Set.of(CKR_TEMPLATE_INCONSISTENT,
      CKR_ATTRIBUTE_VALUE_INVALID, CKR_ATTRIBUTE_TYPE_INVALID, CKR_ATTRIBUTE_READ_ONLY);

  /** A working copy's template, public or private. */
  @FunctionalInterface
  interface Template {
    AttributeVector of(boolean isPublic);
  }

  /** One unwrap with a given template; {@code E} what it throws besides the token's errors. */
  @FunctionalInterface
  interface Unwrap<E extends Exception> {
    long with(AttributeVector template) throws PKCS11Exception, E;
  }

  private final String token;
  private final AtomicBoolean privateOnly = new AtomicBoolean();

  /** @param token the token's name, for the log line */
  WorkingCopyPrivacy(String token) {
    this.token = token;
  }

  /** The handle of a new working copy, public unless this token has refused public ones. */
  <E extends Exception> long unwrap(Template template, Unwrap<E> unwrap)
      throws PKCS11Exception, E {
    if (privateOnly.get()) {
      return unwrap.with(template.of(false));
    }
    try {
      return unwrap.with(template.of(true));
    } catch (PKCS11Exception e) {
      if (!TEMPLATE_REFUSED.contains(e.getErrorCode())) {
        throw e;
      }
      long handle = unwrap.with(template.of(false));
      if (privateOnly.compareAndSet(false, true)) { // one line, however many calls learnt it
        LOG.log(System.Logger.Level.WARNING, "{0} refuses public session secret keys ({1}): "
            + "the data plane''s working copies are private objects from now on, which may make "
            + "each check slower (docs/key-hierarchy.md, \"Public working copies\")",
            token, e.getErrorName());
      }
      return handle;
    }
  }

  /** False once this token has refused a public working copy. */
  boolean publicCopies() {
    return !privateOnly.get();
  }
}
