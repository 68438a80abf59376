package io.keygate.hsm.cert;

import io.keygate.hsm.HsmException;

/** Signs bytes with SHA256withECDSA (DER), typically inside the token. */
@FunctionalInterface
public interface DataSigner {
  byte[] sign(byte[] data) throws HsmException;
}
