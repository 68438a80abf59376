package io.keygate.hsm.pkcs11;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_ATTRIBUTE_VALUE_INVALID;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_DEVICE_ERROR;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_TEMPLATE_INCONSISTENT;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKR_WRAPPED_KEY_INVALID;

import io.keygate.hsm.WrappedSecretRejectedException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;

/**
 * The choice of public or private working copies, against a token stand-in that answers each
 * unwrap as told: SoftHSM2 and NSS softokn both make public session secret keys, so a token that
 * refuses them exists here only as this stand-in. The real tokens' copies are checked in
 * SoftHsm2KeyHierarchyTest and SoftHsm2PayloadKeysTest.
 */
class WorkingCopyPrivacyTest {
  private final List<Boolean> asked = new ArrayList<>();
  private final WorkingCopyPrivacy.Template template = isPublic -> {
    asked.add(isPublic);
    return HierarchyTemplates.verifyOnlySessionKey(isPublic);
  };
  private final WorkingCopyPrivacy privacy = new WorkingCopyPrivacy("test-token");

  @Test
  void aTokenThatTakesPublicCopies_getsPublicCopies() throws Exception {
    assertThat(privacy.unwrap(template, t -> 7L)).isEqualTo(7L);
    assertThat(privacy.unwrap(template, t -> 8L)).isEqualTo(8L);

    assertThat(asked).containsExactly(true, true);
    assertThat(privacy.publicCopies()).isTrue();
  }

  @Test
  void aTokenThatRefusesAPublicCopy_getsThatCopyPrivate_andEveryLaterOneToo() throws Exception {
    WorkingCopyPrivacy.Unwrap refusesPublic = t -> {
      if (asked.get(asked.size() - 1)) {
        throw new PKCS11Exception(CKR_TEMPLATE_INCONSISTENT);
      }
      return 42L;
    };

    assertThat(privacy.unwrap(template, refusesPublic)).isEqualTo(42L);
    assertThat(privacy.unwrap(template, refusesPublic)).isEqualTo(42L);

    assertThat(asked).containsExactly(true, false, false);
    assertThat(privacy.publicCopies()).isFalse();
  }

  @Test
  void aFailureThatIsNotTheTemplate_isPassedOn_andChangesNothing() {
    assertThatThrownBy(() -> privacy.unwrap(template, t -> {
      throw new PKCS11Exception(CKR_DEVICE_ERROR);
    })).isInstanceOf(PKCS11Exception.class);

    assertThat(asked).containsExactly(true);
    assertThat(privacy.publicCopies()).isTrue();
  }

  /** A bad blob must not turn a token's copies private (and its checks slower) for good. */
  @Test
  void aRejectedBlob_isNotRetried_andLeavesTheCopiesPublic() {
    assertThatThrownBy(() -> privacy.unwrap(template, t -> {
      throw new WrappedSecretRejectedException("not this KEK's", "CKR_WRAPPED_KEY_INVALID", null);
    })).isInstanceOf(WrappedSecretRejectedException.class);
    assertThatThrownBy(() -> privacy.unwrap(template, t -> {
      throw new PKCS11Exception(CKR_WRAPPED_KEY_INVALID);
    })).isInstanceOf(PKCS11Exception.class);

    assertThat(asked).containsExactly(true, true);
    assertThat(privacy.publicCopies()).isTrue();
  }

  @Test
  void whenThePrivateCopyFailsToo_itsFailureIsPassedOn_andTheCopiesStayPublic() {
    assertThatThrownBy(() -> privacy.unwrap(template, t -> {
      throw new PKCS11Exception(
          asked.get(asked.size() - 1) ? CKR_ATTRIBUTE_VALUE_INVALID : CKR_DEVICE_ERROR);
    })).isInstanceOfSatisfying(PKCS11Exception.class,
        e -> assertThat(e.getErrorCode()).isEqualTo(CKR_DEVICE_ERROR));

    assertThat(asked).containsExactly(true, false);
    assertThat(privacy.publicCopies()).isTrue();
  }

  @Test
  void theTemplates_differOnlyInCkaPrivate() {
    AttributeVector pub = HierarchyTemplates.verifyOnlySessionKey(true);
    AttributeVector priv = HierarchyTemplates.verifyOnlySessionKey(false);

    assertThat(pub.private_()).isFalse();
    assertThat(priv.private_()).isTrue();
    assertThat(priv.private_(false).toString()).isEqualTo(pub.toString());
    assertThat(PayloadKeyTemplates.encryptOnlySessionKey(false).private_()).isTrue();
    assertThat(PayloadKeyTemplates.decryptOnlySessionKey(false).private_()).isTrue();
    assertThat(PayloadKeyTemplates.decryptOnlySessionKey(true).private_()).isFalse();
  }
}
