package io.keygate.gateway.audit;

import io.keygate.gateway.audit.ChainWalk.Checkpoint;
import io.keygate.gateway.audit.VerificationReport.Kind;
import io.keygate.gateway.audit.VerificationReport.Problem;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.PublicKeys;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The signed heads in seq order, read a page at a time as the chain walk asks for them. Those whose
 * signature verifies under a trusted key become checkpoints; the others become problems ({@link
 * Kind#BAD_SIGNATURE}). The label in a row is only used to pick among the trusted keys.
 *
 * <p>Iterator methods cannot throw checked exceptions: a database failure surfaces as {@link
 * UncheckedStore}, an unusable HSM as {@link HsmUnavailable}; {@link AuditVerifier} turns both into
 * an {@link AuditException}.
 */
final class SignedHeadReader implements Iterator<Checkpoint> {
  static final class HsmUnavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HsmUnavailable(HsmException cause) {
      super(cause);
    }
  }

  static final class UncheckedStore extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UncheckedStore(StoreException cause) {
      super(cause);
    }

    @Override
    public synchronized StoreException getCause() {
      return (StoreException) super.getCause();
    }
  }

  private final SignedHeads signedHeads;
  private final PublicKeys token;
  private final Set<KeyLabel> trustedKeys;
  private final int pageSize;
  private final Map<KeyLabel, Object> keys = new HashMap<>(); // PublicKey, or why there is none
  private final List<Problem> badSignatures = new ArrayList<>();
  private long count;
  private final List<StoredSignedHead> page = new ArrayList<>();
  private int index;
  private long after = Long.MIN_VALUE;
  private boolean exhausted;
  private Checkpoint next;

  SignedHeadReader(
      SignedHeads signedHeads, PublicKeys token, Set<KeyLabel> trustedKeys, int pageSize) {
    this.signedHeads = signedHeads;
    this.token = token;
    this.trustedKeys = trustedKeys;
    this.pageSize = pageSize;
  }

  /** Heads read so far whose signature did not verify. */
  List<Problem> badSignatures() {
    return badSignatures;
  }

  /** Heads read so far, valid or not. */
  long count() {
    return count;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !exhausted) {
      if (index == page.size()) {
        fetch();
        continue;
      }
      StoredSignedHead h = page.get(index++);
      count++;
      String problem = check(h);
      if (problem == null) {
        String source =
            "the signed head (key "
                + h.keyLabel()
                + ", signed at "
                + Instant.ofEpochMilli(h.signedAtMillis())
                + ")";
        next = new Checkpoint(h.seq(), h.hash(), source, true);
      } else {
        badSignatures.add(new Problem(Kind.BAD_SIGNATURE, h.seq(), h.seq(), problem));
      }
    }
    return next != null;
  }

  @Override
  public Checkpoint next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Checkpoint out = next;
    next = null;
    return out;
  }

  private void fetch() {
    page.clear();
    index = 0;
    try {
      page.addAll(signedHeads.after(after, pageSize));
    } catch (StoreException e) {
      throw new UncheckedStore(e);
    }
    exhausted = page.isEmpty();
    if (!page.isEmpty()) {
      after = page.get(page.size() - 1).seq();
    }
  }

  /** Why this head cannot be trusted, or null if its signature verifies under a trusted key. */
  String check(StoredSignedHead h) {
    KeyLabel label = h.label().orElse(null);
    if (label == null || !trustedKeys.contains(label)) {
      return "signed by key '" + h.keyLabel() + "', which is not a trusted audit signing key";
    }
    Object key = keys.computeIfAbsent(label, this::load);
    if (!(key instanceof PublicKey publicKey)) {
      return "cannot check: " + key;
    }
    return HeadSignature.verifies(publicKey, h)
        ? null
        : "the signature does not verify under key " + label + ": forged or altered signed head";
  }

  private Object load(KeyLabel label) {
    try {
      return HeadSignature.softwareKey(token.publicKey(label));
    } catch (KeyNotFoundException e) {
      return "the key " + label + " is not in the HSM: " + e.getMessage();
    } catch (HsmException e) {
      // Not a finding about the log: without the HSM nothing can be verified at all.
      throw new HsmUnavailable(e);
    } catch (GeneralSecurityException e) {
      return "the public key of " + label + " is not an EC key: " + e.getMessage();
    }
  }
}
