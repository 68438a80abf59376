package io.keygate.hsm.testing;

import io.keygate.hsm.KeyLabel;
import io.keygate.hsm.Pin;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads key attributes straight from the PKCS#11 library, past SunPKCS11's KeyStore and past the
 * adapter, with any library SunPKCS11 can open: it uses the JDK's own PKCS#11 binding
 * ({@code sun.security.pkcs11.wrapper}, needs {@code --add-exports
 * jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED}) instead of a library-specific
 * tool such as pkcs11-tool. Reached by reflection because javac's {@code --release} refuses to
 * compile against a non-exported JDK package.
 *
 * <p>Opens its own session on the library the adapter already initialised in this JVM (the JDK
 * keeps one module instance per library path), so open the adapter's token first.
 */
public final class Pkcs11ObjectInspector implements AutoCloseable {
  // PKCS#11 v2.40 constants.
  private static final long CKO_PRIVATE_KEY = 3;
  private static final long CKO_SECRET_KEY = 4;
  private static final long CKK_AES = 0x1f;
  private static final long CKA_CLASS = 0x0;
  private static final long CKA_TOKEN = 0x1;
  private static final long CKA_LABEL = 0x3;
  private static final long CKA_VALUE = 0x11;
  private static final long CKA_KEY_TYPE = 0x100;
  private static final long CKA_ID = 0x102;
  private static final long CKA_SENSITIVE = 0x103;
  private static final long CKA_ENCRYPT = 0x104;
  private static final long CKA_DECRYPT = 0x105;
  private static final long CKA_WRAP = 0x106;
  private static final long CKA_VALUE_LEN = 0x161;
  private static final long CKA_EXTRACTABLE = 0x162;
  private static final long CKA_NEVER_EXTRACTABLE = 0x164;
  private static final long CKA_ALWAYS_SENSITIVE = 0x165;
  private static final long CKM_AES_KEY_GEN = 0x1080;
  private static final long CKM_AES_KEY_WRAP = 0x2109;
  private static final long CKM_AES_KEY_WRAP_PAD = 0x210a;
  private static final long CKF_RW_SESSION = 0x2;
  private static final long CKF_SERIAL_SESSION = 0x4;
  private static final long CKU_USER = 1;
  private static final Pattern CKR = Pattern.compile("CKR_[A-Z0-9_]+");
  private static final String WRAPPER = "sun.security.pkcs11.wrapper.";

  /** The protection attributes of one key object, as the library reports them. */
  public record Protection(
      boolean sensitive, boolean extractable, boolean alwaysSensitive, boolean neverExtractable) {}

  private final Object pkcs11;
  private final long session;

  private Pkcs11ObjectInspector(Object pkcs11, long session) {
    this.pkcs11 = pkcs11;
    this.session = session;
  }

  /** Opens a read-write session on the library and slot named in a SunPKCS11 config. */
  public static Pkcs11ObjectInspector open(Path sunPkcs11Config, Pin pin) throws Exception {
    String library = TokenFiles.configValue(sunPkcs11Config, "library");
    long slot = Long.parseLong(TokenFiles.configValue(sunPkcs11Config, "slot"));
    Class<?> type = Class.forName(WRAPPER + "PKCS11");
    Class<?> initArgs = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
    Object pkcs11 =
        type.getMethod("getInstance", String.class, String.class, initArgs, boolean.class)
            .invoke(null, library, "C_GetFunctionList", null, false);
    Class<?> notify = Class.forName(WRAPPER + "CK_NOTIFY");
    long session =
        (long)
            call(pkcs11, "C_OpenSession", new Class<?>[] {long.class, long.class, Object.class, notify},
                slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, null, null);
    Pkcs11ObjectInspector inspector = new Pkcs11ObjectInspector(pkcs11, session);
    try {
      call(pkcs11, "C_Login", new Class<?>[] {long.class, long.class, char[].class},
          session, CKU_USER, pin.unsafeChars());
    } catch (Pkcs11Error e) {
      // Login state belongs to the process: the adapter's session has usually logged in already.
      if (!"CKR_USER_ALREADY_LOGGED_IN".equals(e.ckr())) {
        inspector.close();
        throw e;
      }
    } finally {
      pin.close();
    }
    return inspector;
  }

  /** Protection attributes of the secret key labelled {@code label}. */
  public Protection secretKey(KeyLabel label) throws Exception {
    return protection(find(CKO_SECRET_KEY, label));
  }

  /** Protection attributes of the private key stored under {@code label} (SunPKCS11: its CKA_ID). */
  public Protection privateKey(KeyLabel label) throws Exception {
    return protection(find(CKO_PRIVATE_KEY, label));
  }

  /**
   * Asks the library for the secret key's CKA_VALUE. Returns the CKR name it refused with, or
   * empty if the value came out (whatever came out is not kept).
   */
  public Optional<String> readSecretValue(KeyLabel label) throws Exception {
    long handle = find(CKO_SECRET_KEY, label);
    try {
      Object[] template = attributes(attribute(CKA_VALUE));
      getAttributes(handle, template);
      return Optional.empty();
    } catch (Pkcs11Error e) {
      return Optional.of(e.ckr());
    }
  }

  /**
   * What came of asking the library to wrap a key out of the token: either the CKR name it
   * refused with, or the wrapped key together with the wrapping key's value, so a test can unwrap
   * it in software and prove what came out.
   */
  public record WrapAttempt(String refusal, byte[] wrapped, byte[] wrappingKey, boolean padded) {
    public boolean refused() {
      return refusal != null;
    }

    /** The wrapped key's bytes, unwrapped in software (AES key wrap, RFC 3394). */
    public byte[] unwrapped() throws Exception {
      if (padded) {
        throw new IllegalStateException("only secret keys (AES key wrap, RFC 3394) are unwrapped");
      }
      javax.crypto.Cipher kwp = javax.crypto.Cipher.getInstance("AES/KW/NoPadding", "SunJCE");
      kwp.init(javax.crypto.Cipher.DECRYPT_MODE,
          new javax.crypto.spec.SecretKeySpec(wrappingKey, "AES"));
      return kwp.doFinal(wrapped);
    }

    @Override
    public String toString() {
      return refused() ? "refused " + refusal : "wrapped out (" + wrapped.length + " bytes)";
    }
  }

  /**
   * Wraps a key out of the token with C_WrapKey under a fresh wrapping key that is a readable
   * session object, as an attacker with the PIN would: secret keys (32 bytes) with
   * CKM_AES_KEY_WRAP, private keys (PKCS#8, any length) with CKM_AES_KEY_WRAP_PAD. (NSS 3.87's
   * KEY_WRAP_PAD output does not unwrap as RFC 5649, so only secret keys are unwrapped.)
   */
  public WrapAttempt wrapOut(KeyLabel label, boolean privateKey) throws Exception {
    return wrapOut(find(privateKey ? CKO_PRIVATE_KEY : CKO_SECRET_KEY, label), privateKey);
  }

  /**
   * Generates an extractable, non-sensitive AES token key labelled {@code label}, bypassing the
   * SunPKCS11 config's templates: the positive control that shows the checks above can fail.
   */
  public void createExposedAesKey(KeyLabel label) throws Exception {
    Object[] template =
        attributes(
            attribute(CKA_CLASS, CKO_SECRET_KEY),
            attribute(CKA_KEY_TYPE, CKK_AES),
            attribute(CKA_TOKEN, true),
            attribute(CKA_LABEL, label.value().toCharArray()),
            attribute(CKA_VALUE_LEN, 32L),
            attribute(CKA_SENSITIVE, false),
            attribute(CKA_EXTRACTABLE, true),
            attribute(CKA_ENCRYPT, true),
            attribute(CKA_DECRYPT, true));
    generateKey(template);
  }

  private WrapAttempt wrapOut(long target, boolean padded) throws Exception {
    Object[] wrapperTemplate =
        attributes(
            attribute(CKA_CLASS, CKO_SECRET_KEY),
            attribute(CKA_KEY_TYPE, CKK_AES),
            attribute(CKA_TOKEN, false),
            attribute(CKA_VALUE_LEN, 32L),
            attribute(CKA_SENSITIVE, false),
            attribute(CKA_EXTRACTABLE, true),
            attribute(CKA_WRAP, true));
    long wrappingKey = generateKey(wrapperTemplate);
    Object[] value = attributes(attribute(CKA_VALUE));
    getAttributes(wrappingKey, value);
    byte[] wrappingKeyValue = (byte[]) value[0].getClass().getMethod("getByteArray").invoke(value[0]);
    Class<?> mechanism = Class.forName(WRAPPER + "CK_MECHANISM");
    Object mech =
        mechanism.getConstructor(long.class)
            .newInstance(padded ? CKM_AES_KEY_WRAP_PAD : CKM_AES_KEY_WRAP);
    try {
      byte[] wrapped =
          (byte[])
              call(pkcs11, "C_WrapKey", new Class<?>[] {long.class, mechanism, long.class, long.class},
                  session, mech, wrappingKey, target);
      return new WrapAttempt(null, wrapped, wrappingKeyValue, padded);
    } catch (Pkcs11Error e) {
      return new WrapAttempt(e.ckr(), null, null, padded);
    }
  }

  private long generateKey(Object[] template) throws Exception {
    Class<?> mechanism = Class.forName(WRAPPER + "CK_MECHANISM");
    Object mech = mechanism.getConstructor(long.class).newInstance(CKM_AES_KEY_GEN);
    return (long)
        call(pkcs11, "C_GenerateKey",
            new Class<?>[] {long.class, mechanism, template.getClass()}, session, mech, template);
  }

  private Protection protection(long handle) throws Exception {
    Object[] template =
        attributes(
            attribute(CKA_SENSITIVE),
            attribute(CKA_EXTRACTABLE),
            attribute(CKA_ALWAYS_SENSITIVE),
            attribute(CKA_NEVER_EXTRACTABLE));
    getAttributes(handle, template);
    return new Protection(
        bool(template[0]), bool(template[1]), bool(template[2]), bool(template[3]));
  }

  /** The one object of {@code objectClass} named {@code label} (CKA_LABEL, or CKA_ID for keys SunPKCS11 stores by id). */
  private long find(long objectClass, KeyLabel label) throws Exception {
    byte[] name = label.value().getBytes(StandardCharsets.US_ASCII);
    for (long nameAttribute : new long[] {CKA_LABEL, CKA_ID}) {
      Object value = nameAttribute == CKA_LABEL ? label.value().toCharArray() : name;
      Object[] template = attributes(attribute(CKA_CLASS, objectClass), attribute(nameAttribute, value));
      call(pkcs11, "C_FindObjectsInit", new Class<?>[] {long.class, template.getClass()}, session, template);
      long[] found;
      try {
        found = (long[]) call(pkcs11, "C_FindObjects", new Class<?>[] {long.class, long.class}, session, 2L);
      } finally {
        call(pkcs11, "C_FindObjectsFinal", new Class<?>[] {long.class}, session);
      }
      if (found.length == 1) {
        return found[0];
      }
      if (found.length > 1) {
        throw new IllegalStateException("more than one object named " + label);
      }
    }
    throw new IllegalStateException("no object of class " + objectClass + " named " + label);
  }

  private void getAttributes(long handle, Object[] template) throws Exception {
    call(pkcs11, "C_GetAttributeValue", new Class<?>[] {long.class, long.class, template.getClass()},
        session, handle, template);
  }

  private static Object attribute(long type) throws Exception {
    return Class.forName(WRAPPER + "CK_ATTRIBUTE").getConstructor(long.class).newInstance(type);
  }

  private static Object attribute(long type, Object value) throws Exception {
    Class<?> attr = Class.forName(WRAPPER + "CK_ATTRIBUTE");
    Constructor<?> c;
    if (value instanceof Boolean) {
      c = attr.getConstructor(long.class, boolean.class);
    } else if (value instanceof Long) {
      c = attr.getConstructor(long.class, long.class);
    } else {
      c = attr.getConstructor(long.class, Object.class);
    }
    return c.newInstance(type, value);
  }

  private static Object[] attributes(Object... attributes) throws Exception {
    Class<?> attr = Class.forName(WRAPPER + "CK_ATTRIBUTE");
    Object[] array = (Object[]) Array.newInstance(attr, attributes.length);
    System.arraycopy(attributes, 0, array, 0, attributes.length);
    return array;
  }

  private static boolean bool(Object attribute) throws Exception {
    return (boolean) attribute.getClass().getMethod("getBoolean").invoke(attribute);
  }

  private static Object call(Object target, String name, Class<?>[] types, Object... args)
      throws Exception {
    // Looked up on PKCS11 itself: the instance may be a non-public subclass (SynchronizedPKCS11).
    Method m = Class.forName(WRAPPER + "PKCS11").getMethod(name, types);
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      Matcher ckr = CKR.matcher(String.valueOf(cause.getMessage()));
      if (cause.getClass().getName().equals(WRAPPER + "PKCS11Exception") && ckr.find()) {
        throw new Pkcs11Error(ckr.group(), cause);
      }
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      call(pkcs11, "C_CloseSession", new Class<?>[] {long.class}, session);
    } catch (Exception e) {
      throw new IllegalStateException("C_CloseSession failed", e);
    }
  }

  /** A PKCS#11 return value other than CKR_OK, by name. */
  static final class Pkcs11Error extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String ckr;

    Pkcs11Error(String ckr, Throwable cause) {
      super(ckr, cause);
      this.ckr = ckr;
    }

    String ckr() {
      return ckr;
    }
  }
}
