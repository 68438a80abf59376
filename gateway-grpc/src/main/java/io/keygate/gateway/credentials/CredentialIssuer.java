package io.keygate.gateway.credentials;

import io.keygate.gateway.config.ConfigStore;
import io.keygate.gateway.model.App;
import io.keygate.gateway.model.Credential;
import io.keygate.gateway.store.StoreException;
import io.keygate.hsm.HsmException;
import io.keygate.hsm.IssuedSecret;
import io.keygate.hsm.IssuedSecretBatch;
import io.keygate.hsm.KekId;
import io.keygate.hsm.KeyAdministration;
import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.SecretBytes;
import io.keygate.hsm.WrappedMacKeys;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Makes a credential: a random AccessKey id and a 32-byte AccessSecret, then the credential row in
 * the store. Where the secret lives depends on the node:
 *
 * <ul>
 *   <li>with a key hierarchy ({@link #withHierarchy}), the HSM makes the secret, wraps it under the
 *       KEK for the store and encrypts it to the requester's one-time key: the gateway never
 *       holds it in the clear;
 *   <li>without one, the gateway draws it and imports it into the HSM as a non-extractable key
 *       of its own (the first design), and hands it over in the clear or, if the requester sent
 *       a key, encrypted to that key.
 * </ul>
 *
 * If the store refuses, an imported HSM key is destroyed again, so nothing is left half-made.
 */
public final class CredentialIssuer {
  private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();
  private static final int SECRET_BYTES = 32;

  private final KeyAdministration hsm;
  private final ConfigStore store;
  private final SecureRandom random;
  private final Optional<WrappedMacKeys> hierarchy;
  private final Optional<KekId> kek;

  public CredentialIssuer(KeyAdministration hsm, ConfigStore store, SecureRandom random) {
    this(hsm, store, random, Optional.empty(), Optional.empty());
  }

  private CredentialIssuer(KeyAdministration hsm, ConfigStore store, SecureRandom random,
      Optional<WrappedMacKeys> hierarchy, Optional<KekId> kek) {
    this.hsm = hsm;
    this.store = store;
    this.random = random;
    this.hierarchy = hierarchy;
    this.kek = kek;
  }

  /** This issuer, making new secrets in the HSM wrapped under {@code issuingKek}. */
  public CredentialIssuer withHierarchy(WrappedMacKeys keys, KekId issuingKek) {
    return new CredentialIssuer(hsm, store, random, Optional.of(keys), Optional.of(issuingKek));
  }

  /** Whether new secrets are made in the HSM and never held by this process. */
  public boolean keepsSecretsWrapped() {
    return kek.isPresent();
  }

  /**
   * A credential for a requester with or without a one-time key.
   *
   * @throws CredentialRuleException RECIPIENT_KEY_REQUIRED when the node keeps secrets wrapped and
   *     {@code recipient} is empty: it would otherwise have to send the secret in the clear
   */
  public IssuedCredential issue(String tenantId, String appId, Instant notAfter,
      Optional<RSAPublicKey> recipient)
      throws HsmException, StoreException, CredentialRuleException {
    if (kek.isPresent()) {
      if (recipient.isEmpty()) {
        throw new CredentialRuleException(CredentialRuleException.Reason.RECIPIENT_KEY_REQUIRED,
            "this node keeps secrets wrapped under " + kek.get() + "; the request has no key");
      }
      return issueWrapped(tenantId, appId, notAfter, recipient.get());
    }
    IssuedCredential.InClear inClear = issue(tenantId, appId, notAfter);
    if (recipient.isEmpty()) {
      return inClear;
    }
    byte[] secret = inClear.secret().unsafeCopy();
    try {
      return new IssuedCredential.ForRecipient(inClear.accessKey(), null,
          encryptTo(recipient.get(), secret));
    } finally {
      Arrays.fill(secret, (byte) 0);
      inClear.secret().destroy();
    }
  }

  /**
   * A credential whose secret is a token key of its own, drawn here (the first design).
   *
   * @param notAfter when the credential stops working, or null for no end
   */
  public IssuedCredential.InClear issue(String tenantId, String appId, Instant notAfter)
      throws HsmException, StoreException {
    String accessKey = newAccessKey();
    KeyLabel label = labelFor(accessKey);
    SecretBytes secret = SecretBytes.random(SECRET_BYTES, random);
    hsm.importHmacSecret(label, secret);
    try {
      store.addCredential(new Credential(accessKey, appId, tenantId, label, notAfter, false, null));
    } catch (StoreException | RuntimeException e) {
      secret.destroy();
      try {
        hsm.destroyKey(label);
      } catch (HsmException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    return new IssuedCredential.InClear(accessKey, secret);
  }

  private IssuedCredential.ForRecipient issueWrapped(String tenantId, String appId,
      Instant notAfter, RSAPublicKey recipient) throws HsmException, StoreException {
    String accessKey = newAccessKey();
    IssuedSecret made = hierarchy.orElseThrow().generateHmacSecret(kek.get(), SECRET_BYTES,
        recipient);
    // Nothing to undo if the store refuses: the only copies are the blob and the reply, dropped.
    store.addCredential(new Credential(accessKey, appId, tenantId, labelFor(accessKey), notAfter,
        false, null, made.stored()));
    return new IssuedCredential.ForRecipient(accessKey, kek.get(), made.forRecipient());
  }

  /**
   * One new app per id in {@code appIds}, each with one credential whose secret the HSM makes and
   * wraps (for the store under the KEK, for {@code recipient} under a one-time transport key),
   * each granted {@code grantApiIds}: one store transaction, so all of it or nothing.
   *
   * @throws CredentialRuleException KEY_HIERARCHY_REQUIRED on a node without a KEK: bulk secrets
   *     are never drawn by the gateway
   */
  public BulkIssued issueBatch(String tenantId, List<String> appIds, List<String> grantApiIds,
      RSAPublicKey recipient) throws HsmException, StoreException, CredentialRuleException {
    if (kek.isEmpty()) {
      throw new CredentialRuleException(CredentialRuleException.Reason.KEY_HIERARCHY_REQUIRED,
          "bulk issuance on a node without a KEK");
    }
    IssuedSecretBatch made = hierarchy.orElseThrow().generateHmacSecrets(kek.get(), SECRET_BYTES,
        appIds.size(), recipient);
    List<App> apps = new ArrayList<>(appIds.size());
    List<Credential> credentials = new ArrayList<>(appIds.size());
    List<BulkIssued.Entry> entries = new ArrayList<>(appIds.size());
    for (int i = 0; i < appIds.size(); i++) {
      String appId = appIds.get(i);
      String accessKey = newAccessKey();
      apps.add(new App(appId, tenantId, appId));
      credentials.add(new Credential(accessKey, appId, tenantId, labelFor(accessKey), null, false,
          null, made.stored(i)));
      entries.add(new BulkIssued.Entry(appId, accessKey, made.forRecipient(i)));
    }
    // As for one credential: if the store refuses, the blobs and the reply are simply dropped.
    store.createAppsWithCredentials(tenantId, apps, credentials, grantApiIds);
    return new BulkIssued(kek.get(), made.transportKeyForRecipient(), entries);
  }

  /** RSA-OAEP with SHA-1 and MGF1-SHA-1, as the HSM's path does: one decryption for the tool. */
  private byte[] encryptTo(RSAPublicKey recipient, byte[] secret) {
    try {
      Cipher c = Cipher.getInstance("RSA/ECB/OAEPPadding");
      c.init(Cipher.ENCRYPT_MODE, recipient, new OAEPParameterSpec("SHA-1", "MGF1",
          MGF1ParameterSpec.SHA1, PSource.PSpecified.DEFAULT), random);
      return c.doFinal(secret);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-OAEP is part of every JDK", e);
    }
  }

  /** The HSM key label that holds an AccessKey's secret. */
  public static KeyLabel labelFor(String accessKey) {
    return KeyLabel.of("ak-" + accessKey.toLowerCase(Locale.ROOT));
  }

  private String newAccessKey() {
    StringBuilder sb = new StringBuilder("AK");
    for (int i = 0; i < 20; i++) {
      sb.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }
}
