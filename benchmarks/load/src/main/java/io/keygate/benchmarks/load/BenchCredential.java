package io.keygate.benchmarks.load;

import io.keygate.client.AccessSecret;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * One of the benchmark apps' AccessKeys and its AccessSecret, handed from the provisioning to the
 * load generator in a 0600 file inside the run's temp directory, one credential a line:
 * {@code <access-key> <secret base64>}. Throwaway credentials of a throwaway token; the file goes
 * with it.
 */
record BenchCredential(String accessKey, AccessSecret secret) {

  /** Writes credentials to a new 0600 file as they are issued. */
  static final class Writer implements AutoCloseable {
    private final BufferedWriter out;

    Writer(Path file) throws IOException {
      Files.createFile(file,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      this.out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    }

    void add(String accessKey, byte[] secret) throws IOException {
      out.write(accessKey + " " + Base64.getEncoder().encodeToString(secret) + "\n");
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  static List<BenchCredential> readAll(Path file) throws IOException {
    List<BenchCredential> credentials = new ArrayList<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      lineNumber++;
      String[] f = line.strip().split(" ");
      if (f.length != 2) {
        // Not the line itself: it holds a secret.
        throw new IOException(file + ":" + lineNumber + ": expected '<access-key> <secret base64>'");
      }
      credentials.add(new BenchCredential(f[0], AccessSecret.fromBase64(f[1])));
    }
    if (credentials.isEmpty()) {
      throw new IOException(file + ": no credentials");
    }
    return credentials;
  }

  @Override
  public String toString() {
    return "BenchCredential[accessKey=" + accessKey + ", secret=<redacted>]";
  }
}
