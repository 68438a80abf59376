package io.keygate.gateway.audit;

import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.CertificateProfile;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.KeyAlreadyExistsException;
import io.keygate.hsm.KeyInfo;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.KeyNotFoundException;
import io.keygate.hsm.KeyType;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Signs the audit chain's head (seq, hash of the latest record) with an EC key in the HSM and
 * stores it in {@code audit_signed_heads}. A signed head pins every record up to it: deleting or
 * rewriting any of them, the last ones included, no longer matches a signature nobody without the
 * HSM can make. Records after the latest signed head are protected only by the chain (see
 * docs/audit.md, residual risks), so the interval is the window an attacker with write access to
 * the database has to drop the newest records unnoticed.
 *
 * <p>Before signing it checks that the head it signed last (as stored, and as this process
 * remembers it) is still in the table with the same hash, and refuses otherwise: a signer must
 * never vouch for a log that was cut back, or it would make the truncation look legitimate.
 *
 * <p>Every node may run one; a seq signed twice keeps the first signature. Each signature is also
 * logged at INFO, so shipped logs keep an anchor outside the database.
 */
public final class AuditHeadSigner implements AutoCloseable {
  public static final KeyLabel DEFAULT_KEY_LABEL = KeyLabel.of("audit-signing");
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  private static final Logger LOG = System.getLogger("io.keygate.gateway.audit");
  private static final Duration KEY_CERTIFICATE_VALIDITY = Duration.ofDays(20 * 365);

  /** A (seq, hash) that was signed: it must stay in the table unchanged. */
  private record Anchor(long seq, String hash) {}

  private final AuditChain chain;
  private final SignedHeads signedHeads;
  private final HsmToken token;
  private final KeyLabel keyLabel;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Duration interval;
  private final AuditHeadSink sink;
  private volatile boolean keyChecked;
  private boolean sinkRead; // guarded by this: lastSigned includes the sink's newest head
  private Anchor lastSigned; // guarded by this: what this process signed or saw signed last
  private ScheduledFuture<?> task; // guarded by this
  private long consecutiveFailures; // only touched by the scheduled task

  public AuditHeadSigner(
      AuditChain chain,
      SignedHeads signedHeads,
      HsmToken token,
      KeyLabel keyLabel,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration interval) {
    this(chain, signedHeads, token, keyLabel, clock, scheduler, interval, AuditHeadSink.NONE);
  }

  /**
   * Also exports every head it signs to {@code sink} before {@link #signNow()} returns, and never
   * signs a log shorter than, or different from, the newest head already in the sink (which a
   * restarted signer would otherwise not know of).
   */
  public AuditHeadSigner(
      AuditChain chain,
      SignedHeads signedHeads,
      HsmToken token,
      KeyLabel keyLabel,
      Clock clock,
      ScheduledExecutorService scheduler,
      Duration interval,
      AuditHeadSink sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
    this.chain = Objects.requireNonNull(chain, "chain");
    this.signedHeads = Objects.requireNonNull(signedHeads, "signedHeads");
    this.token = Objects.requireNonNull(token, "token");
    this.keyLabel = Objects.requireNonNull(keyLabel, "keyLabel");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("signing interval must be positive");
    }
    this.interval = interval;
  }

  /**
   * Makes sure the signing key exists, generating an EC P-256 key in the token if it does not. Call
   * at start-up to fail early; {@link #signNow()} calls it too.
   */
  public KeyInfo ensureKey() throws AuditException {
    try {
      Optional<KeyInfo> existing = token.describeKey(keyLabel);
      KeyInfo key = existing.isPresent() ? existing.get() : generate();
      if (key.type() != KeyType.EC_P256) {
        throw new AuditException(
            "audit signing key " + keyLabel + " is a " + key.type() + " key, not EC P-256");
      }
      keyChecked = true;
      return key;
    } catch (HsmException e) {
      throw new AuditException(
          "cannot find or create audit signing key " + keyLabel + ": " + e.getMessage(), e);
    }
  }

  private KeyInfo generate() throws HsmException {
    try {
      LOG.log(Level.INFO, "creating audit signing key {0} in the HSM", keyLabel);
      CertificateProfile profile =
          new CertificateProfile(
              commonName(keyLabel), List.of(), List.of(), KEY_CERTIFICATE_VALIDITY);
      return token.generateEcKey(keyLabel, profile);
    } catch (KeyAlreadyExistsException e) {
      // Another node created it between our look-up and now.
      token.refresh();
      return token.describeKey(keyLabel).orElseThrow(() -> e);
    }
  }

  /**
   * Signs the current head now, unless it is already signed or the log is empty.
   *
   * @return the new signed head, or empty if there was nothing new to sign
   * @throws AuditTamperedException if the log no longer holds what was signed before, or a forged
   *     head stands in the way (refused: run audit verify)
   * @throws AuditException if the HSM or the database fails
   */
  public synchronized Optional<SignedHead> signNow() throws AuditException {
    if (!keyChecked) {
      ensureKey();
    }
    if (!sinkRead) {
      // The sink outlives the database's signed heads: what it holds must still be in the log.
      ExportedHead.latest(sink)
          .filter(h -> lastSigned == null || h.seq() > lastSigned.seq())
          .ifPresent(h -> lastSigned = new Anchor(h.seq(), h.hash()));
      sinkRead = true;
    }
    Optional<StoredRecord> head;
    try {
      head = checkedHead();
    } catch (StoreException e) {
      throw new AuditException("audit log: read head to sign failed: " + e.getMessage(), e);
    }
    if (head.isEmpty()) {
      return Optional.empty();
    }
    StoredRecord record = head.get();
    long signedAt = clock.instant().toEpochMilli();
    byte[] signature;
    try {
      signature =
          token.sign(keyLabel, HeadSignature.input(record.seq(), record.hashBytes(), signedAt));
    } catch (HsmException e) {
      throw new AuditException(
          "cannot sign audit head " + record.seq() + " with " + keyLabel + ": " + e.getMessage(),
          e);
    }
    SignedHead signed =
        new SignedHead(
            record.seq(),
            record.hash(),
            RecordHash.hex(signature),
            Instant.ofEpochMilli(signedAt),
            keyLabel);
    boolean stored;
    try {
      stored = signedHeads.addIfAbsent(signed);
    } catch (StoreException e) {
      throw new AuditException("audit log: store signed head failed: " + e.getMessage(), e);
    }
    // Exported even when another node stored its signature first: ours vouches for the same head,
    // and this node's sink must cover every record its admin calls wrote.
    sink.export(signed);
    lastSigned = new Anchor(signed.seq(), signed.hash());
    if (!stored) {
      LOG.log(Level.DEBUG, "audit head {0} was signed by another node first", signed.seq());
      return Optional.empty();
    }
    LOG.log(
        Level.INFO,
        "audit head signed: seq={0} hash={1} signed_at={2} key={3} signature={4}",
        signed.seq(),
        signed.hash(),
        signed.signedAt(),
        keyLabel,
        signed.signature());
    return Optional.of(signed);
  }

  /** The latest record if it needs signing, after checking nothing signed has gone. */
  private Optional<StoredRecord> checkedHead() throws StoreException, AuditException {
    // Signed heads first: the head only moves forward, so one read after them is at least as new
    // as any of them, even with other nodes appending and signing in between.
    Optional<StoredSignedHead> latestStored = signedHeads.latest();
    AuditChain.Head head =
        chain.head().orElseThrow(
            () -> new AuditException("audit_head row is missing: schema not migrated?"));
    long headSeq = head.seq();
    String headHash = head.hash();
    if (latestStored.isPresent()) {
      // Checked, so a forged row cannot make us believe the head is signed already.
      requireGenuine(latestStored.get());
      requireIntact(new Anchor(latestStored.get().seq(), latestStored.get().hash()), headSeq);
    }
    if (lastSigned != null) {
      // The table's signed heads can be deleted along with records; our memory cannot.
      requireIntact(lastSigned, headSeq);
    }
    if (headSeq == 0) {
      return Optional.empty();
    }
    if (latestStored.isPresent() && latestStored.get().seq() == headSeq) {
      adopt(latestStored.get()); // checked genuine above
      return Optional.empty();
    }
    Optional<StoredRecord> record = chain.record(headSeq);
    if (record.isEmpty()
        || !record.get().hash().equals(headHash)
        || record.get().malformation().isPresent()
        || !record.get().selfConsistent()) {
      throw new AuditTamperedException(
          "refusing to sign: the latest record (seq "
              + headSeq
              + ") is missing or does not"
              + " match its hash or the audit head; run audit verify");
    }
    return record;
  }

  /**
   * Exports a head another node signed first, so this node's sink covers every record written
   * through it even when it lost the race to sign.
   */
  private void adopt(StoredSignedHead head) throws AuditException {
    if (lastSigned == null || head.seq() > lastSigned.seq()) {
      sink.export(head.toSignedHead());
      lastSigned = new Anchor(head.seq(), head.hash());
    }
  }

  private void requireGenuine(StoredSignedHead head) throws AuditException {
    boolean genuine = false;
    Optional<KeyLabel> label = head.label();
    if (label.isPresent()) {
      try {
        genuine =
            HeadSignature.verifies(HeadSignature.softwareKey(token.publicKey(label.get())), head);
      } catch (KeyNotFoundException | GeneralSecurityException e) {
        genuine = false; // no such key, or not an EC key: nothing we made
      } catch (HsmException e) {
        throw new AuditException("cannot check the latest signed head: " + e.getMessage(), e);
      }
    }
    if (!genuine) {
      throw new AuditTamperedException(
          "refusing to sign: the latest signed head (seq "
              + head.seq()
              + ") does not carry a"
              + " valid signature; run audit verify");
    }
  }

  private void requireIntact(Anchor signed, long headSeq) throws StoreException, AuditException {
    Optional<StoredRecord> record = chain.record(signed.seq());
    if (signed.seq() > headSeq || record.isEmpty() || !record.get().hash().equals(signed.hash())) {
      throw new AuditTamperedException(
          "refusing to sign: the record of signed head seq "
              + signed.seq()
              + " is gone or changed (audit head now at "
              + headSeq
              + "); run audit verify");
    }
  }

  /** Signs every interval (fixed delay) on the injected scheduler, first after one interval. */
  public synchronized void start() {
    if (task != null) {
      throw new IllegalStateException("already started");
    }
    long millis = interval.toMillis();
    task =
        scheduler.scheduleWithFixedDelay(this::signQuietly, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void signQuietly() {
    try {
      signNow();
      if (consecutiveFailures > 0) {
        LOG.log(
            Level.INFO, "audit head signing works again after {0} failure(s)", consecutiveFailures);
      }
      consecutiveFailures = 0;
    } catch (AuditException | RuntimeException e) {
      // Never rethrow: the executor would cancel the periodic task. A refusal is a tamper signal,
      // so it is an ERROR every time; a transient failure warns once per streak.
      consecutiveFailures++;
      boolean refusal = e instanceof AuditTamperedException;
      Level level = refusal ? Level.ERROR : consecutiveFailures == 1 ? Level.WARNING : Level.DEBUG;
      LOG.log(level, "audit head signing failed: " + e.getMessage(), e);
    }
  }

  public KeyLabel keyLabel() {
    return keyLabel;
  }

  /** Stops the periodic signing; does not shut down the injected scheduler. */
  @Override
  public synchronized void close() {
    if (task != null) {
      task.cancel(false);
    }
  }

  /** The key's certificate CN, within X.520's 64 characters whatever the label's length. */
  private static String commonName(KeyLabel keyLabel) {
    String cn = "keygate audit signing " + keyLabel;
    return cn.length() <= CertificateProfile.MAX_COMMON_NAME
        ? cn
        : cn.substring(0, CertificateProfile.MAX_COMMON_NAME);
  }
}
