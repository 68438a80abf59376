package io.keygate.gateway.store.redis;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads the Redis password from its file (KEYGATE_REDIS_PASSWORD_FILE) into a char array, without
 * a String on the way, and wipes the bytes it read. Errors name the file, never its content.
 */
final class RedisPasswordFile {
  private static final int MAX_BYTES = 4096;

  private RedisPasswordFile() {}

  /** The first line's worth: trailing line ends are not part of the password. */
  static char[] read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IOException("cannot read the Redis password file " + file + ": "
          + e.getClass().getSimpleName());
    }
    try {
      int end = bytes.length;
      while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
        end--;
      }
      if (end == 0 || end > MAX_BYTES) {
        throw new IOException("the Redis password file " + file + " holds no password (or one"
            + " over " + MAX_BYTES + " bytes)");
      }
      CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, end));
      char[] password = new char[chars.remaining()];
      chars.get(password);
      Arrays.fill(chars.array(), '\0');
      return password;
    } catch (CharacterCodingException e) {
      throw new IOException("the Redis password file " + file + " is not UTF-8 text");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }
}
