package io.keygate.gateway.audit;

import io.keygate.gateway.store.StoreException;
import java.util.List;
import java.util.Optional;

/**
 * Where signed chain heads are kept ({@code audit_signed_heads}). Rows come back as stored,
 * possibly forged: whether a signature is genuine is for {@link AuditHeadSigner} and {@link
 * AuditVerifier} to decide.
 */
public interface SignedHeads {

  /** The signed head with the highest seq, if any. */
  Optional<StoredSignedHead> latest() throws StoreException;

  /** Up to {@code limit} signed heads with seq above {@code afterSeq}, in seq order. */
  List<StoredSignedHead> after(long afterSeq, int limit) throws StoreException;

  /**
   * Stores a signed head unless its seq is signed already (a seq signed twice keeps the first
   * signature).
   *
   * @return false if another node stored a signature for this seq first
   */
  boolean addIfAbsent(SignedHead head) throws StoreException;
}
