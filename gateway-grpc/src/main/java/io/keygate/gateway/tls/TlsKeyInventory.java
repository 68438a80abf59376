package io.keygate.gateway.tls;

import io.keygate.gateway.model.InvalidValueException;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyType;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The TLS keys in the HSM as the admin plane sees them: preparing a new one (key pair generated
 * in the token, self-signed certificate, CSR), installing a CA-issued chain on it, listing them
 * with the listeners that serve each, and deciding whether one may be activated. No gRPC types.
 *
 * <p>Keys whose certificate is a CA's (the admin CA) are not TLS keys: they are neither listed
 * nor activatable. A key being served is never changed in place: a rotation always prepares a new key, which
 * is what lets live connections finish on the old one.
 */
public final class TlsKeyInventory {
  /** A prepared key: its stored chain and a PKCS#10 request (DER) signed by it. */
  public record Prepared(KeyLabel label, List<X509Certificate> chain, byte[] csr) {}

  /** A TLS-capable key and the listeners serving it (empty for a prepared one). */
  public record Entry(KeyLabel label, List<X509Certificate> chain, Set<TlsListener> servedBy) {}

  /** How recent a node's report of what it serves must be to protect that key. */
  public static final java.time.Duration SERVED_REPORT_WINDOW = java.time.Duration.ofMinutes(10);

  private static final DateTimeFormatter LABEL_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final HsmToken hsm;
  private final ActiveTlsKeys active;
  private final Set<KeyLabel> notTls;
  private final Clock clock;

  /**
   * @param notTls EC keys that serve something other than TLS (the audit-signing key): never
   *     listed, prepared over or activated
   */
  public TlsKeyInventory(HsmToken hsm, ActiveTlsKeys active, Set<KeyLabel> notTls, Clock clock) {
    this.hsm = Objects.requireNonNull(hsm, "hsm");
    this.active = Objects.requireNonNull(active, "active");
    this.notTls = Set.copyOf(notTls);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Generates a new key pair in the HSM with a self-signed certificate from {@code profile}.
   *
   * @param label null for {@code gateway-tls-<UTC time>}
   * @throws io.keygate.hsm.KeyAlreadyExistsException if the label is taken
   */
  public Prepared prepare(KeyLabel label, CertificateProfile profile) throws HsmException {
    KeyLabel chosen = label != null ? label
        : KeyLabel.of("gateway-tls-" + LABEL_TIME.format(clock.instant()));
    if (notTls.contains(chosen) || chosen.value().startsWith("keygate.")) {
      throw new InvalidValueException(chosen + " is reserved");
    }
    hsm.generateEcKey(chosen, profile);
    return new Prepared(
        chosen, hsm.certificateChain(chosen), hsm.certificationRequest(chosen, profile));
  }

  /**
   * Installs a CA-issued chain (leaf first) on a key that no listener serves.
   *
   * @throws IllegalArgumentException if the leaf does not carry the key's public key or a link
   *     of the chain does not verify
   * @throws TlsKeyException SERVED if a listener serves the key, NOT_FOUND if there is no such
   *     EC key
   */
  public Entry install(KeyLabel label, List<X509Certificate> chain)
      throws HsmException, StoreException, TlsKeyException {
    ecKey(label);
    if (active.assignments().containsValue(label)) {
      throw new TlsKeyException(TlsKeyException.Reason.SERVED, label + " is being served");
    }
    if (chain.isEmpty() || !chain.get(0).getPublicKey().equals(hsm.publicKey(label))) {
      throw new InvalidValueException("the leaf certificate does not carry " + label + "'s key");
    }
    for (int i = 0; i + 1 < chain.size(); i++) {
      try {
        chain.get(i).verify(chain.get(i + 1).getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new InvalidValueException("certificate " + i + " is not signed by the next");
      }
    }
    hsm.installCertificateChain(label, chain);
    return new Entry(label, hsm.certificateChain(label), Set.of());
  }

  /** Every EC key with a certificate that could serve TLS, by label. */
  public List<Entry> list() throws HsmException, StoreException {
    Map<TlsListener, KeyLabel> served = active.assignments();
    List<Entry> out = new ArrayList<>();
    for (KeyInfo key : hsm.listKeys()) {
      if (key.type() != KeyType.EC_P256 || isReserved(key.label())) {
        continue;
      }
      List<X509Certificate> chain = hsm.certificateChain(key.label());
      if (chain.isEmpty() || isCa(chain.get(0))) {
        continue;
      }
      Set<TlsListener> by = EnumSet.noneOf(TlsListener.class);
      served.forEach((listener, label) -> {
        if (label.equals(key.label())) {
          by.add(listener);
        }
      });
      out.add(new Entry(key.label(), chain, by));
    }
    out.sort((a, b) -> a.label().value().compareTo(b.label().value()));
    return out;
  }

  /**
   * Throws unless {@code label} could be served on {@code listener} now: an EC key of this token
   * with a certificate valid now, not already served there.
   */
  public void checkActivatable(TlsListener listener, KeyLabel label, String pinnedSha256)
      throws HsmException, StoreException, TlsKeyException, CertificateEncodingException {
    X509Certificate leaf = ecKey(label).get(0);
    if (pinnedSha256 != null && !pinnedSha256.equals(fingerprint(leaf))) {
      throw new TlsKeyException(TlsKeyException.Reason.CERTIFICATE_CHANGED,
          label + "'s certificate is no longer the one approved");
    }
    Instant now = clock.instant();
    if (now.isBefore(leaf.getNotBefore().toInstant()) || now.isAfter(leaf.getNotAfter().toInstant())) {
      throw new TlsKeyException(
          TlsKeyException.Reason.CERTIFICATE_NOT_VALID, label + "'s certificate is not valid now");
    }
    if (label.equals(active.assignments().get(listener))) {
      throw new TlsKeyException(TlsKeyException.Reason.ALREADY_SERVED,
          label + " is already served on " + listener.wireName());
    }
  }

  /**
   * Whether a listener of any node may be serving {@code label} (so it must not be destroyed):
   * assigned, or reported by a node in the last {@link #SERVED_REPORT_WINDOW}.
   */
  public boolean isServed(KeyLabel label) throws StoreException {
    return active.servedAnywhere(clock.instant().minus(SERVED_REPORT_WINDOW)).contains(label);
  }

  /** The SHA-256 (hex) of the key's leaf certificate, which an activation request pins. */
  public String leafSha256(KeyLabel label)
      throws HsmException, TlsKeyException, CertificateEncodingException {
    return fingerprint(ecKey(label).get(0));
  }

  /**
   * The chain of a key that may sign TLS handshakes (here: as the gateway's client towards a
   * backend): an EC key with a certificate that is not a CA's nor reserved (the audit and
   * attestation keys).
   *
   * @throws TlsKeyException NOT_FOUND if {@code label} is no such key
   */
  public List<X509Certificate> usableKey(KeyLabel label) throws HsmException, TlsKeyException {
    return ecKey(label);
  }

  /** Whether the key's certificate is a CA's (such a key is never a TLS key). */
  public boolean isCaKey(KeyLabel label) throws HsmException {
    KeyInfo key = hsm.describeKey(label).orElse(null);
    if (key == null || key.type() != KeyType.EC_P256) {
      return false;
    }
    List<X509Certificate> chain = hsm.certificateChain(label);
    return !chain.isEmpty() && isCa(chain.get(0));
  }

  /** The SHA-256 of a certificate (DER), lower-case hex: how certificates are named here. */
  public static String fingerprint(X509Certificate certificate)
      throws CertificateEncodingException {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
    }
  }

  private static boolean isCa(X509Certificate certificate) {
    return certificate.getBasicConstraints() >= 0;
  }

  private boolean isReserved(KeyLabel label) {
    return notTls.contains(label) || label.value().startsWith("keygate.");
  }

  private List<X509Certificate> ecKey(KeyLabel label) throws HsmException, TlsKeyException {
    KeyInfo key = hsm.describeKey(label).orElse(null);
    if (key == null || key.type() != KeyType.EC_P256 || isReserved(label)) {
      throw new TlsKeyException(TlsKeyException.Reason.NOT_FOUND, "no TLS key " + label);
    }
    List<X509Certificate> chain = hsm.certificateChain(label);
    if (chain.isEmpty()) {
      throw new TlsKeyException(TlsKeyException.Reason.NOT_FOUND, label + " has no certificate");
    }
    if (isCa(chain.get(0))) {
      // The admin CA's key signs officers' certificates: it must never sign handshakes too.
      throw new TlsKeyException(TlsKeyException.Reason.NOT_FOUND, label + " is a CA key");
    }
    return chain;
  }
}
