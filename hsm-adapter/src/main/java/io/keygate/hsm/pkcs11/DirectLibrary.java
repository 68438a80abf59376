package io.keygate.hsm.pkcs11;

import io.keygate.hsm.HsmException;
import io.keygate.hsm.TokenUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.xipki.pkcs11.wrapper.Logger;
import org.xipki.pkcs11.wrapper.PKCS11Constants;
import org.xipki.pkcs11.wrapper.PKCS11Exception;
import org.xipki.pkcs11.wrapper.PKCS11Module;
import org.xipki.pkcs11.wrapper.Slot;
import org.xipki.pkcs11.wrapper.Token;

/**
 * The PKCS#11 library and slot of a SunPKCS11 config file, reached directly through {@code
 * org.xipki:ipkcs11wrapper} for what SunPKCS11's JCA surface cannot do: unwrapping into session
 * objects, attribute templates, {@code C_Verify} on an HMAC key (docs/key-hierarchy.md).
 *
 * <p>A library is initialised once per process. When SunPKCS11 has already done so, {@code
 * C_Initialize} answers {@code CKR_CRYPTOKI_ALREADY_INITIALIZED}, which is fine: both share the one
 * initialised library, and this class never calls {@code C_Finalize}, which would pull it from
 * under SunPKCS11.
 */
final class DirectLibrary {
  private static final System.Logger LOG = System.getLogger(DirectLibrary.class.getName());

  private final String library;
  private final Token token;
  private final MacCheck macCheck;

  private DirectLibrary(String library, Token token, MacCheck macCheck) {
    this.library = library;
    this.token = token;
    this.macCheck = macCheck;
  }

  /** Opens the library and slot that {@code configFile} (SunPKCS11's format) names. */
  static DirectLibrary open(Path configFile) throws HsmException {
    List<String> lines;
    try {
      lines = Files.readAllLines(configFile);
    } catch (IOException e) {
      throw new TokenUnavailableException("PKCS#11 config is not readable: " + configFile);
    }
    String library = value(lines, "library");
    String slot = value(lines, "slot");
    String slotListIndex = value(lines, "slotListIndex");
    if (library == null || (slot == null && slotListIndex == null)) {
      throw new TokenUnavailableException(
          configFile + " must name the 'library' and its 'slot' (or 'slotListIndex')");
    }
    QuietLogger.install();
    try {
      PKCS11Module module = PKCS11Module.getInstance(library);
      try {
        module.initialize();
      } catch (PKCS11Exception e) {
        if (e.getErrorCode() != PKCS11Constants.CKR_CRYPTOKI_ALREADY_INITIALIZED) {
          throw e;
        }
      }
      Slot[] slots = module.getSlotList(true);
      Slot chosen = null;
      if (slot != null) {
        long id = Long.parseLong(slot);
        for (Slot s : slots) {
          if (s.getSlotID() == id) {
            chosen = s;
          }
        }
      } else {
        int index = Integer.parseInt(slotListIndex);
        chosen = index >= 0 && index < slots.length ? slots[index] : null;
      }
      if (chosen == null) {
        throw new TokenUnavailableException(
            "no token in slot " + (slot != null ? slot : "#" + slotListIndex) + " of " + library);
      }
      return new DirectLibrary(library, chosen.getToken(), macCheck(library));
    } catch (IOException | NumberFormatException e) {
      throw new TokenUnavailableException(
          "cannot load the PKCS#11 library " + library, null, e);
    } catch (PKCS11Exception e) {
      throw new TokenUnavailableException(
          "cannot initialise the PKCS#11 library " + library, e.getErrorName(), e);
    }
  }

  Token token() {
    return token;
  }

  /** How HMAC checks reach this library: the JDK's binding when the JVM exports it. */
  MacCheck macCheck() {
    return macCheck;
  }

  private static MacCheck macCheck(String library) {
    return JdkMacCheck.load(library).orElseGet(() -> {
      LOG.log(System.Logger.Level.INFO, "HMAC checks go through the PKCS#11 wrapper: start the"
          + " JVM with --add-exports jdk.crypto.cryptoki/" + JdkMacCheck.PACKAGE + "=ALL-UNNAMED"
          + " (bin/keygate-jvm-options does) for the JDK's binding, about a third cheaper");
      return new WrapperMacCheck();
    });
  }

  @Override
  public String toString() {
    return "DirectLibrary[" + library + ", slot " + token.getSlot().getSlotID() + "]";
  }

  private static String value(List<String> lines, String key) {
    for (String line : lines) {
      String t = line.strip();
      if (t.startsWith(key)) {
        String rest = t.substring(key.length()).strip();
        if (rest.startsWith("=")) {
          return rest.substring(1).strip();
        }
      }
    }
    return null;
  }

  /**
   * The wrapper logs through a process-wide logger of its own; by default it prints every call.
   * Keygate logs its token calls itself ({@link HsmCallLog}), so the wrapper's logger keeps only
   * warnings and errors, with their arguments dropped: they could name attribute values.
   */
  private static final class QuietLogger implements Logger {
    private static final System.Logger LOG = System.getLogger("io.keygate.hsm.pkcs11.wrapper");

    static void install() {
      org.xipki.pkcs11.wrapper.StaticLogger.setLogger(new QuietLogger());
    }

    @Override
    public void info(String format, Object... arguments) {}

    @Override
    public void warn(String format, Object... arguments) {
      LOG.log(System.Logger.Level.WARNING, "pkcs11 wrapper: " + format);
    }

    @Override
    public void error(String format, Object... arguments) {
      LOG.log(System.Logger.Level.ERROR, "pkcs11 wrapper: " + format);
    }

    @Override
    public void debug(String format, Object... arguments) {}

    @Override
    public void trace(String format, Object... arguments) {}

    @Override
    public boolean isDebugEnabled() {
      return false;
    }

    @Override
    public boolean isInfoEnabled() {
      return false;
    }

    @Override
    public boolean isWarnEnabled() {
      return true;
    }

    @Override
    public boolean isTraceEnabled() {
      return false;
    }
  }
}
