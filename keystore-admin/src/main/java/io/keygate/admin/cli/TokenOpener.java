package io.keygate.admin.cli;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.HsmToken;
import io.keygate.hsm.Pin;
import java.nio.file.Path;

/** Opens and logs in to the token described by a SunPKCS11 config; the token owns the PIN. */
@FunctionalInterface
public interface TokenOpener {
  HsmToken open(Path sunPkcs11Config, Pin pin) throws HsmException;
}
