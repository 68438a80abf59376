package io.keygate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The hand-written forms agree with the spec's regular expressions (the ones the parser used
 * before) on every string tried: the edges of each length range, every character near each class
 * boundary, and random strings over those characters. Every disagreement is collected first.
 */
class HeaderFormsTest {
  private static final long SEED = 20261204L;
  // Each class's edges and their neighbours, spaces, controls, non-ASCII and a surrogate.
  private static final String ALPHABET = "\u0000\u001f \u0020!\"#+,-./019:;=@AEIMQUYZ[_`acfgkoswxz{~\u007f"
      + "\u0080\u00e9\u0130\u212a\ud83d";

  private record Form(String name, Pattern regex, Predicate<String> byHand, String valid) {}

  private static final List<Form> FORMS = List.of(
      new Form("path", Pattern.compile("/[\\x21-\\x7E]{1,511}"), HeaderForms::isPath,
          "/keygate.demo.v1.EchoService/Echo"),
      new Form("authority", Pattern.compile("[\\x21-\\x7E]{1,512}"), HeaderForms::isAuthority,
          "localhost:8443"),
      new Form("timestamp", Pattern.compile("[1-9][0-9]{0,15}"), HeaderForms::isTimestamp,
          "1764590400000"),
      new Form("nonce", Pattern.compile("[A-Za-z0-9_-]{16,64}"), HeaderForms::isNonce,
          "AbCd-0123_efGH4567"),
      new Form("sha256", Pattern.compile("[0-9a-f]{64}"), HeaderForms::isSha256Hex,
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
      new Form("signature", Pattern.compile("[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]="),
          HeaderForms::isSignature, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="),
      new Form("signable name", Pattern.compile("x-ca-[a-z0-9-]{1,59}"), HeaderForms::isSignableName,
          "x-ca-key"));

  @Test
  void everyForm_agreesWithItsRegularExpression() {
    Random random = new Random(SEED);
    List<String> disagreements = new ArrayList<>();
    for (Form form : FORMS) {
      assertThat(form.byHand().test(form.valid())).as(form.name() + " accepts " + form.valid()).isTrue();
      for (String s : candidates(form.valid(), random)) {
        boolean expected = form.regex().matcher(s).matches();
        if (form.byHand().test(s) != expected) {
          disagreements.add(form.name() + " " + (expected ? "refuses" : "accepts") + " '" + s + "'");
        }
      }
    }
    assertThat(disagreements).isEmpty();
  }

  /** The valid value with each position changed to each character, cut and grown; then random strings. */
  private static List<String> candidates(String valid, Random random) {
    List<String> out = new ArrayList<>();
    out.add("");
    for (int i = 0; i < valid.length(); i++) {
      for (char c : ALPHABET.toCharArray()) {
        out.add(valid.substring(0, i) + c + valid.substring(i + 1));
      }
      out.add(valid.substring(0, i));
    }
    for (int length : new int[] {1, 2, 15, 16, 17, 41, 42, 43, 44, 45, 59, 63, 64, 65, 511, 512, 513, 600}) {
      out.add(valid.charAt(0) + "a".repeat(length - 1));
      out.add(valid.charAt(0) + "1".repeat(length - 1));
      out.add("x-ca-" + "k".repeat(Math.max(0, length - 5)));
      out.add("/" + "~".repeat(length - 1));
    }
    for (int n = 0; n < 20_000; n++) {
      int length = random.nextInt(70);
      StringBuilder sb = new StringBuilder(random.nextBoolean() ? valid.substring(0, Math.min(5, valid.length())) : "");
      while (sb.length() < length) {
        sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      out.add(sb.toString());
    }
    return out;
  }
}
