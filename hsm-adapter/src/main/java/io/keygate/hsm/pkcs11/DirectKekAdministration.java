package io.keygate.hsm.pkcs11;

import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKA_LABEL;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKM_AES_KEY_GEN;
import static org.xipki.pkcs11.wrapper.PKCS11Constants.CKU_SO;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.KekAdministration;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.Pin;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.Mechanism;

/**
 * {@link KekAdministration} logged in as the security officer. PKCS#11 lets one process be logged
 * in as one user type per token, so this runs in the officer's tool, never in a node that is
 * logged in as the user.
 */
public final class DirectKekAdministration implements KekAdministration, AutoCloseable {
  private final DirectSessions sessions;
  private final HsmCallLog calls;

  private DirectKekAdministration(DirectSessions sessions, String name, Clock clock) {
    this.sessions = sessions;
    this.calls = new HsmCallLog(name, new HealthTracker(clock));
  }

  /** Opens the token {@code configFile} names as its security officer. Zeroes {@code soPin}. */
  public static DirectKekAdministration openAsSecurityOfficer(Path configFile, Pin soPin)
      throws HsmException {
    try (soPin) {
      DirectLibrary library = DirectLibrary.open(configFile);
      return new DirectKekAdministration(
          DirectSessions.open(library, soPin, CKU_SO, 1), "direct-so:" + configFile,
          Clock.systemUTC());
    }
  }

  @Override
  public void generateKek(KekId id) throws HsmException {
    calls.call("generate-kek", id.label(), () -> sessions.with(s -> {
      if (KekHandles.find(s, id).length > 0) {
        throw new KeyAlreadyExistsException("the token already holds KEK " + id);
      }
      return s.generateKey(new Mechanism(CKM_AES_KEY_GEN), HierarchyTemplates.kek(id));
    }));
  }

  @Override
  public void generatePayloadKek(KekId id) throws HsmException {
    calls.call("generate-payload-kek", id.payloadLabel(), () -> sessions.with(s -> {
      if (KekHandles.find(s, id.payloadLabel()).length > 0) {
        throw new KeyAlreadyExistsException("the token already holds payload KEK " + id);
      }
      return s.generateKey(new Mechanism(CKM_AES_KEY_GEN), PayloadKeyTemplates.payloadKek(id));
    }));
  }

  @Override
  public List<KekId> listKeks() throws HsmException {
    return calls.call("list-keks", null, () -> sessions.with(s -> {
      List<KekId> keks = new ArrayList<>();
      for (long h : s.findAllObjectsSingle(AttributeVector.newAESSecretKey().token(true))) {
        String label = s.getStringAttrValue(h, CKA_LABEL);
        if (label != null && KeyLabel.isValid(label) && KekId.isKekLabel(KeyLabel.of(label))) {
          keks.add(KekId.of(label.substring("keygate.kek.".length())));
        }
      }
      keks.sort((a, b) -> a.value().compareTo(b.value()));
      return keks;
    }));
  }

  @Override
  public void destroyKek(KekId id) throws HsmException {
    calls.call("destroy-kek", id.label(), () -> sessions.with(s -> {
      long[] found = KekHandles.find(s, id);
      if (found.length == 0) {
        throw new KeyNotFoundException("the token holds no KEK " + id);
      }
      for (long h : found) {
        s.destroyObject(h);
      }
      return null;
    }));
  }

  @Override
  public void close() {
    sessions.close();
  }
}
