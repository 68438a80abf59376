package io.keygate.hsm.pkcs11;

import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.xipki.pkcs11.wrapper.AttributeVector;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.Session;

/**
 * Finds KEKs by label once and remembers their handles; a handle the token says is invalid (the
 * KEK was destroyed and made again by the officer's tool) is forgotten and looked up again.
 * Credential KEKs go by {@link KekId#label()}, payload KEKs by {@link KekId#payloadLabel()}.
 */
final class KekHandles {
  private final Map<KekId, Long> handles = new ConcurrentHashMap<>();
  private final Function<KekId, KeyLabel> labels;

  /** Handles of the credential KEKs. */
  KekHandles() {
    this(KekId::label);
  }

  KekHandles(Function<KekId, KeyLabel> labels) {
    this.labels = labels;
  }

  /** The handle of {@code kek}, looked up with {@code session} when not known yet. */
  long handle(Session session, KekId kek) throws PKCS11Exception, KeyNotFoundException {
    Long known = handles.get(kek);
    if (known != null) {
      return known;
    }
    long[] found = find(session, labels.apply(kek));
    if (found.length == 0) {
      throw new KeyNotFoundException("the token holds no KEK " + kek);
    }
    if (found.length > 1) {
      throw new KeyNotFoundException("the token holds " + found.length + " KEKs labelled " + kek);
    }
    handles.put(kek, found[0]);
    return found[0];
  }

  /** Whether the token holds {@code kek}, asked of the token now. */
  boolean exists(Session session, KekId kek) throws PKCS11Exception {
    return find(session, labels.apply(kek)).length > 0;
  }

  void forget(KekId kek) {
    handles.remove(kek);
  }

  static long[] find(Session session, KekId kek) throws PKCS11Exception {
    return find(session, kek.label());
  }

  static long[] find(Session session, KeyLabel label) throws PKCS11Exception {
    return session.findObjectsSingle(
        AttributeVector.newAESSecretKey().token(true).label(label.value()), 2);
  }
}
