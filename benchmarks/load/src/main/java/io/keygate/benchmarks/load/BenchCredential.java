package io.keygate.benchmarks.load;

import io.keygate.client.AccessSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;

/**
 * The benchmark app's AccessKey and AccessSecret, handed from the provisioning to the load
 * generator in a 0600 file of two lines ({@code access-key=...}, {@code secret=<base64>}) inside
 * the run's temp directory. A throwaway credential of a throwaway token; the file goes with it.
 */
record BenchCredential(String accessKey, AccessSecret secret) {
  private static final String KEY = "access-key=";
  private static final String SECRET = "secret=";

  static void write(Path file, String accessKey, byte[] secret) throws IOException {
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    String text = KEY + accessKey + "\n" + SECRET + Base64.getEncoder().encodeToString(secret) + "\n";
    Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
  }

  static BenchCredential read(Path file) throws IOException {
    String accessKey = null;
    String secret = null;
    List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
    for (String line : lines) {
      if (line.startsWith(KEY)) {
        accessKey = line.substring(KEY.length());
      } else if (line.startsWith(SECRET)) {
        secret = line.substring(SECRET.length());
      }
    }
    if (accessKey == null || secret == null) {
      throw new IOException(file + ": expected the lines access-key=... and secret=...");
    }
    return new BenchCredential(accessKey, AccessSecret.fromBase64(secret));
  }

  @Override
  public String toString() {
    return "BenchCredential[accessKey=" + accessKey + ", secret=<redacted>]";
  }
}
