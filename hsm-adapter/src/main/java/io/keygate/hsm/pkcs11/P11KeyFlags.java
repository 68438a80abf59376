package io.keygate.hsm.pkcs11;

import java.security.Key;

/**
 * CKA_TOKEN, CKA_SENSITIVE and CKA_EXTRACTABLE of a SunPKCS11 key. SunPKCS11 reads these
 * attributes when it loads a key and reports them only in the key's description ("... token
 * object, sensitive, unextractable)"), so that is where we read them. Tests cross-check the result
 * against pkcs11-tool's independent view of the same objects.
 */
record P11KeyFlags(boolean tokenObject, boolean sensitive, boolean extractable) {

  static P11KeyFlags of(Key key) {
    String d = String.valueOf(key);
    boolean token = d.contains("token object");
    boolean sensitive = d.contains(", sensitive") && !d.contains("not sensitive");
    boolean extractable = d.contains(", extractable") && !d.contains("unextractable");
    return new P11KeyFlags(token, sensitive, extractable);
  }
}
