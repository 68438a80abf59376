package io.keygate.hsm.pkcs11;

import org.xipki.pkcs11.wrapper.Session;

/**
 * One HMAC-SHA256 check in the token: {@code C_VerifyInit} then {@code C_Verify} on a borrowed
 * session and a key handle. Two bindings do it: the JDK's own ({@link JdkMacCheck}), the cheaper,
 * when the JVM exports it, and the PKCS#11 wrapper's ({@link WrapperMacCheck}) otherwise. Both
 * call the same library in the same process, so session and key handles are valid in either.
 */
interface MacCheck {
  long CKR_OK = 0L;

  /**
   * Checks {@code mac} over {@code data} with the key {@code key} on {@code session}.
   *
   * @return {@code CKR_OK} (0) when the MAC is right, else the token's {@code CKR_*} code
   * @throws Exception only for what is not an answer of the token (a broken binding)
   */
  long verify(Session session, long key, byte[] data, byte[] mac) throws Exception;

  /** Which binding this is, for the start-up log and tests: "jdk" or "wrapper". */
  String name();
}
