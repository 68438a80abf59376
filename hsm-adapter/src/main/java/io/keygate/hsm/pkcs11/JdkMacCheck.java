package io.keygate.hsm.pkcs11;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Optional;
import org.xipki.pkcs11.wrapper.Session;

/**
 * The HMAC check through the JDK's own PKCS#11 binding ({@code sun.security.pkcs11.wrapper}, the
 * one SunPKCS11 runs on): its native part turns a mechanism without parameters into C with two
 * field reads, where the wrapper's looks classes up by name, so a SoftHSM2 check costs about a
 * third less (docs/benchmarks.md, "The HMAC check's binding").
 *
 * <p>The package is not exported: the JVM must be started with {@code --add-exports
 * jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} (bin/keygate-jvm-options, the
 * image and the tests do). Without it {@link #load} answers empty and the node checks through
 * {@link WrapperMacCheck}. Reached through method handles, so the code compiles against the
 * public JDK alone; the binding's signatures are the same in JDK 17 and 25.
 */
final class JdkMacCheck implements MacCheck {
  static final String PACKAGE = "sun.security.pkcs11.wrapper";

  private static final long CKM_SHA256_HMAC = 0x251L;
  private static final long CKF_OS_LOCKING_OK = 0x2L;

  private final Object pkcs11;
  private final Object mechanism;
  private final MethodHandle verifyInit;
  private final MethodHandle verify;
  private final MethodHandle errorCode;
  private final Class<?> failure;

  private JdkMacCheck(Object pkcs11, Object mechanism, MethodHandle verifyInit,
      MethodHandle verify, MethodHandle errorCode, Class<?> failure) {
    this.pkcs11 = pkcs11;
    this.mechanism = mechanism;
    this.verifyInit = verifyInit;
    this.verify = verify;
    this.errorCode = errorCode;
    this.failure = failure;
  }

  /**
   * The JDK's binding to {@code library}, which must already be initialised (by {@link
   * DirectLibrary}); empty when the JVM does not export the binding or it has another shape.
   */
  static Optional<MacCheck> load(String library) {
    return load(library, PACKAGE);
  }

  /** As {@link #load(String)}, the binding looked for in {@code pkg} (tests name a missing one). */
  static Optional<MacCheck> load(String library, String pkg) {
    try {
      // Not publicLookup: it sees only unconditionally exported packages, and the export is to
      // the unnamed module.
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      Class<?> pkcs11Class = Class.forName(pkg + ".PKCS11");
      Class<?> mechanismClass = Class.forName(pkg + ".CK_MECHANISM");
      Class<?> initArgsClass = Class.forName(pkg + ".CK_C_INITIALIZE_ARGS");
      Class<?> failure = Class.forName(pkg + ".PKCS11Exception");
      Object initArgs = lookup.findConstructor(initArgsClass, MethodType.methodType(void.class))
          .invoke();
      lookup.findSetter(initArgsClass, "flags", long.class).invoke(initArgs, CKF_OS_LOCKING_OK);
      // One instance per library path in the JVM, shared with SunPKCS11; the library is already
      // initialised, so no C_Initialize (and the instance is the unsynchronised kind).
      Object pkcs11 = lookup.findStatic(pkcs11Class, "getInstance", MethodType.methodType(
              pkcs11Class, String.class, String.class, initArgsClass, boolean.class))
          .invoke(library, "C_GetFunctionList", initArgs, true);
      Object mechanism = lookup.findConstructor(mechanismClass,
          MethodType.methodType(void.class, long.class)).invoke(CKM_SHA256_HMAC);
      MethodHandle verifyInit = lookup.findVirtual(pkcs11Class, "C_VerifyInit",
              MethodType.methodType(void.class, long.class, mechanismClass, long.class))
          .asType(MethodType.methodType(void.class, Object.class, long.class, Object.class,
              long.class));
      MethodHandle verify = lookup.findVirtual(pkcs11Class, "C_Verify",
              MethodType.methodType(void.class, long.class, byte[].class, byte[].class))
          .asType(MethodType.methodType(void.class, Object.class, long.class, byte[].class,
              byte[].class));
      MethodHandle errorCode = lookup.findVirtual(failure, "getErrorCode",
              MethodType.methodType(long.class))
          .asType(MethodType.methodType(long.class, Object.class));
      return Optional.of(
          new JdkMacCheck(pkcs11, mechanism, verifyInit, verify, errorCode, failure));
    } catch (Throwable e) {
      // Not exported (IllegalAccessException), another JDK's shape, or the library would not
      // load: the wrapper's binding does the job. Nothing here carries key material.
      return Optional.empty();
    }
  }

  @Override
  public long verify(Session session, long key, byte[] data, byte[] mac) throws Exception {
    long handle = session.getSessionHandle();
    try {
      verifyInit.invokeExact(pkcs11, handle, mechanism, key);
      verify.invokeExact(pkcs11, handle, data, mac);
      return CKR_OK;
    } catch (Throwable e) {
      if (failure.isInstance(e)) {
        return code(e);
      }
      if (e instanceof Exception checked) {
        throw checked;
      }
      throw (Error) e;
    }
  }

  /** The CKR code of the binding's PKCS11Exception {@code e}. */
  private long code(Throwable e) throws Exception {
    try {
      return (long) errorCode.invokeExact((Object) e);
    } catch (Exception | Error thrown) {
      throw thrown;
    } catch (Throwable impossible) {
      throw new IllegalStateException("getErrorCode threw", impossible);
    }
  }

  @Override
  public String name() {
    return "jdk";
  }
}
