package io.keygate.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads one server's line of haproxy's {@code show stat} from its stats socket (bound on a
 * loopback TCP port by the cluster script: {@code stats socket ipv4@127.0.0.1:PORT}): how many
 * connections it holds now and whether haproxy's health checks have it UP or DOWN.
 */
final class HaproxyStats {
  private final InetSocketAddress socket;
  private final String backend;

  HaproxyStats(InetSocketAddress socket, String backend) {
    this.socket = socket;
    this.backend = backend;
  }

  /** A server as haproxy sees it now: open connections (scur) and check status ("UP", "DOWN", ...). */
  record Server(String name, int connections, String status) {
    boolean down() {
      return status.startsWith("DOWN") || status.startsWith("MAINT");
    }
  }

  Server server(String name) throws IOException {
    String csv = command("show stat");
    List<String> lines = csv.lines().toList();
    if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
      throw new IOException("haproxy answered 'show stat' with " + lines.size() + " lines, no header");
    }
    List<String> header = List.of(lines.get(0).substring(2).split(","));
    int px = header.indexOf("pxname");
    int sv = header.indexOf("svname");
    int scur = header.indexOf("scur");
    int status = header.indexOf("status");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",", -1);
      if (f.length > status && f[px].equals(backend) && f[sv].equals(name)) {
        return new Server(name, Integer.parseInt(f[scur]), f[status]);
      }
    }
    throw new IOException("haproxy has no server " + backend + "/" + name);
  }

  private String command(String command) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(socket.getHostString(), socket.getPort()), 2_000);
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write((command + "\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }
}
