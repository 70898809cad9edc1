package dev.simgate.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Traffic between lab namespaces with the usual tools (ping, socat, iperf3). */
public final class Traffic {
  private final Lab lab;

  public Traffic(Lab lab) {
    this.lab = lab;
  }

  /** {@code count} pings; true when every one was answered. */
  public boolean ping(String fromRole, String address, int count) throws IOException {
    return lab.exec(fromRole, "ping", "-c", "" + count, "-i", "0.2", "-W", "2", address).ok();
  }

  /**
   * Sends {@code bytes} of random data over TCP from one namespace to a listener in another and
   * returns true when what arrived is byte-for-byte what was sent.
   */
  public boolean tcpTransfer(String fromRole, String toRole, String toAddress, int bytes) throws IOException {
    return transfer(bytes,
        t -> lab.start(toRole, t.dir().resolve("server.log"), "socat", "-u",
            "TCP-LISTEN:" + t.port() + ",reuseaddr", "CREATE:" + t.received()),
        t -> lab.exec(fromRole, "socat", "-u", "FILE:" + t.sent(),
            "TCP:" + toAddress + ":" + t.port() + ",retry=50,interval=0.1,connect-timeout=5"));
  }

  /** The files and port of one transfer of random data. */
  private record Transfer(Path dir, Path sent, Path received, int port) {}

  @FunctionalInterface
  private interface Side<T> {
    T start(Transfer transfer) throws IOException;
  }

  /**
   * Writes {@code bytes} of random data to a file, starts the server side, runs the client side to its end, and
   * returns true when both exited well and what arrived is byte-for-byte what was sent.
   */
  private boolean transfer(int bytes, Side<Process> server, Side<Lab.Result> client) throws IOException {
    Path dir = Files.createTempDirectory(lab.workDir(), "tcp-");
    Transfer transfer = new Transfer(dir, dir.resolve("sent"), dir.resolve("received"),
        7000 + new Random().nextInt(1000));
    byte[] data = new byte[bytes];
    new Random(bytes).nextBytes(data);
    Files.write(transfer.sent(), data);
    Process running = server.start(transfer);
    try {
      if (!client.start(transfer).ok() || !running.waitFor(30, TimeUnit.SECONDS)) {
        return false;
      }
      return running.exitValue() == 0 && digest(Files.readAllBytes(transfer.received())).equals(digest(data));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      running.destroyForcibly();
    }
  }

  /**
   * A TCP listener on every address of {@code role} ({@code 0.0.0.0:port}, like an SSH daemon) that answers each
   * connection with one line naming the role; stop it with {@link Process#destroyForcibly()}.
   */
  public Process tcpListener(String role, int port) throws IOException {
    Path log = Files.createTempFile(lab.workDir(), "listener-", ".log");
    Process listener = lab.start(role, log, "socat", "TCP-LISTEN:" + port + ",reuseaddr,fork",
        "SYSTEM:echo hello from " + role);
    awaitBound(role, "-Hltn", port);
    return listener;
  }

  /**
   * Connects from {@code fromRole} to {@code address:port} and returns the line the listener sent ({@link
   * #tcpListener}), or an empty string when no connection came about within two seconds (refused, dropped).
   */
  public String tcpGreeting(String fromRole, String address, int port) throws IOException {
    Lab.Result result = lab.exec(fromRole, "socat", "-T", "3", "-u",
        "TCP:" + address + ":" + port + ",connect-timeout=2", "STDOUT");
    return result.ok() ? result.output().strip() : "";
  }

  /** A UDP listener on {@code 0.0.0.0:port} of {@code role} that appends what it receives to the returned file. */
  public Path udpListener(String role, int port) throws IOException {
    Path received = Files.createTempFile(lab.workDir(), "udp-received-", ".txt");
    lab.start(role, Files.createTempFile(lab.workDir(), "udp-listener-", ".log"), "socat", "-u",
        "UDP-RECV:" + port, "OPEN:" + received + ",append");
    awaitBound(role, "-Hlun", port);
    return received;
  }

  /** Sends one UDP datagram with {@code text} from {@code fromRole} to {@code address:port}. */
  public void udpSend(String fromRole, String address, int port, String text) throws IOException {
    Path payload = Files.createTempFile(lab.workDir(), "udp-payload-", ".txt");
    Files.writeString(payload, text + "\n");
    lab.run(fromRole, "socat", "-u", "FILE:" + payload, "UDP:" + address + ":" + port);
  }

  /**
   * Like {@link #tcpTransfer} with the connection the other way round: {@code clientRole} connects to a listener in
   * {@code serverRole} at {@code serverAddress}, which sends {@code bytes} of random data; true when what arrived is
   * byte-for-byte what was sent. (Data from a SIM on a connection the node opened: what the inbound default-deny
   * lets through.)
   */
  public boolean tcpDownload(String clientRole, String serverRole, String serverAddress, int bytes) throws IOException {
    return transfer(bytes,
        t -> lab.start(serverRole, t.dir().resolve("server.log"), "socat", "-u", "FILE:" + t.sent(),
            "TCP-LISTEN:" + t.port() + ",reuseaddr"),
        t -> {
          awaitBound(serverRole, "-Hltn", t.port());
          return lab.exec(clientRole, "socat", "-u",
              "TCP:" + serverAddress + ":" + t.port() + ",connect-timeout=5", "CREATE:" + t.received());
        });
  }

  /** Receives datagrams until {@code count} came or none for 5 s; prints how many and a digest of (length, bytes)*. */
  private static final String UDP_RECEIVER = """
      import hashlib, socket, sys
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.setsockopt(socket.SOL_SOCKET, 33, 1 << 22)  # SO_RCVBUFFORCE: hold the whole burst
      s.bind(("0.0.0.0", int(sys.argv[1])))
      s.settimeout(5)
      digest, got = hashlib.sha256(), 0
      try:
          while got < int(sys.argv[2]):
              data = s.recv(65535)
              digest.update(len(data).to_bytes(4, "big") + data)
              got += 1
      except socket.timeout:
          pass
      print(got, digest.hexdigest())
      """;
  /** Sends a file as datagrams of argv[3] bytes, 32 per sendto through UDP GSO (UDP_SEGMENT). */
  private static final String UDP_GSO_SENDER = """
      import socket, sys
      size, data = int(sys.argv[3]), open(sys.argv[4], "rb").read()
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.setsockopt(socket.IPPROTO_UDP, 103, size)  # UDP_SEGMENT
      for at in range(0, len(data), 32 * size):
          s.sendto(data[at:at + 32 * size], (sys.argv[1], int(sys.argv[2])))
      """;

  /**
   * Sends {@code count} UDP datagrams of {@code size} random bytes, then a shorter one, from one
   * namespace to another in bursts of 32 (the sender's kernel cuts each UDP GSO send into 32
   * frames at once) and returns true when every datagram arrived whole and in order.
   */
  public boolean udpBurst(String fromRole, String toRole, String toAddress, int size, int count) throws IOException {
    byte[] data = new byte[size * count + size / 3];
    new Random(count).nextBytes(data);
    Path sent = Files.createTempFile(lab.workDir(), "udp-", ".bin");
    Files.write(sent, data);
    MessageDigest expected = sha256();
    int datagrams = 0;
    for (int at = 0; at < data.length; at += size, datagrams++) {
      int length = Math.min(size, data.length - at);
      expected.update(java.nio.ByteBuffer.allocate(4).putInt(length).array());
      expected.update(data, at, length);
    }
    int port = 9000 + new Random().nextInt(1000);
    Path output = Files.createTempFile(lab.workDir(), "udp-", ".out");
    Process receiver = lab.start(toRole, output, "python3", "-c", UDP_RECEIVER, "" + port, "" + datagrams);
    try {
      awaitBound(toRole, "-Hlun", port);
      lab.run(fromRole, "python3", "-c", UDP_GSO_SENDER, toAddress, "" + port, "" + size, sent.toString());
      if (!receiver.waitFor(30, TimeUnit.SECONDS)) {
        return false;
      }
      String report = Files.readString(output).strip();
      return report.equals(datagrams + " " + HexFormat.of().formatHex(expected.digest()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      receiver.destroyForcibly();
    }
  }

  /**
   * The SIM's end of a {@link TcpSession}, one connection at a time: with "echo" it sends every line back, with "push"
   * it sends a numbered line every 10 ms itself.
   */
  private static final String SESSION_SERVER = """
      import socket, sys, time
      server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
      server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      server.bind(("0.0.0.0", int(sys.argv[1])))
      server.listen(1)
      push = sys.argv[2] == "push"
      while True:
          connection, _ = server.accept()
          with connection:
              try:
                  seq = 0
                  while True:
                      if push:
                          connection.sendall(b"%08d\\n" % seq)
                          seq += 1
                          time.sleep(0.01)
                          continue
                      data = connection.recv(65536)
                      if not data:
                          break
                      connection.sendall(data)
              except OSError:
                  pass
      """;
  /**
   * One TCP connection kept busy until the stop file appears: with "echo" a numbered line every 10 ms, each echoed
   * before the next goes; with "push" the numbered lines the server sends are read. A line is awaited at most argv[5]
   * seconds. Prints "started" after the first line, then "ok LINES MAXGAP_MS" or, when the connection broke (reset, closed, timed out), "failed ...".
   */
  private static final String SESSION_CLIENT = """
      import os, socket, sys, time
      host, port, stop, echo = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4] == "echo"
      seq, gap, buffer = 0, 0.0, b""
      try:
          s = socket.create_connection((host, port), timeout=float(sys.argv[5]))
          last = time.time()
          while not os.path.exists(stop):
              if echo:
                  s.sendall(b"%08d\\n" % seq)
              while b"\\n" not in buffer:
                  chunk = s.recv(4096)
                  if not chunk:
                      raise ConnectionError("closed by the peer")
                  buffer += chunk
              line, buffer = buffer.split(b"\\n", 1)
              if int(line) != seq:
                  raise ValueError("line out of order")
              now = time.time()
              gap, last = max(gap, now - last), now
              if seq == 0:
                  print("started", flush=True)
              seq += 1
              if echo:
                  time.sleep(0.01)
          print("ok", seq, int(gap * 1000), flush=True)
      except Exception as e:
          print("failed", seq, type(e).__name__, e, flush=True)
      """;

  /** Who speaks on a {@link TcpSession}, and how long its client waits for a line before it counts as broken. */
  private enum Speaker {
    /** The client sends each line, the server echoes it. */
    CLIENT("echo", 60),
    /** The server pushes lines unasked: after an outage, its retransmission is the first packet through. */
    SERVER("push", 20);

    final String mode;
    final int lineTimeoutSeconds;

    Speaker(String mode, int lineTimeoutSeconds) {
      this.mode = mode;
      this.lineTimeoutSeconds = lineTimeoutSeconds;
    }
  }

  /** A TCP connection from one namespace to a service in another, kept busy until {@link #stop()}. */
  public final class TcpSession {
    private final Process server;
    private final Process client;
    private final Path stop;
    private final Path report;

    private TcpSession(Process server, Process client, Path stop, Path report) {
      this.server = server;
      this.client = client;
      this.stop = stop;
      this.report = report;
    }

    /** Waits until the first line went through (the client process and its connection may take a while). */
    public void awaitStarted(Duration timeout) throws IOException {
      Instant deadline = Instant.now().plus(timeout);
      while (!Files.readString(report).startsWith("started")) {
        if (!client.isAlive() || Instant.now().isAfter(deadline)) {
          throw new IOException("the session did not start: " + Files.readString(report).strip());
        }
        sleep(50);
      }
    }

    /**
     * Stops the client after its next line (so a stop during an outage waits for the connection to come back or
     * break); returns its report: "ok LINES MAXGAP_MS" when the one connection lasted throughout.
     */
    public String stop() throws IOException {
      Files.writeString(stop, "stop");
      try {
        if (!client.waitFor(90, TimeUnit.SECONDS)) {
          client.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        server.destroyForcibly();
      }
      return Files.readString(report).strip().lines().reduce("", (first, second) -> second);
    }
  }

  /** Opens a {@link TcpSession} from {@code fromRole} to an echo service on {@code toRole} at {@code toAddress}. */
  public TcpSession session(String fromRole, String toRole, String toAddress) throws IOException {
    return session(fromRole, toRole, toAddress, Speaker.CLIENT);
  }

  /**
   * Opens a {@link TcpSession} where the service on {@code toRole} (a SIM) speaks: it pushes a numbered line every
   * 10 ms, the client only reads them; 20 s without a line counts as broken.
   */
  public TcpSession pushedSession(String fromRole, String toRole, String toAddress) throws IOException {
    return session(fromRole, toRole, toAddress, Speaker.SERVER);
  }

  private TcpSession session(String fromRole, String toRole, String toAddress, Speaker speaker) throws IOException {
    Path dir = Files.createTempDirectory(lab.workDir(), "session-");
    int port = 7100 + new Random().nextInt(800);
    Process server = lab.start(toRole, dir.resolve("server.log"), "python3", "-c", SESSION_SERVER, "" + port,
        speaker.mode);
    awaitBound(toRole, "-Hltn", port);
    Path report = dir.resolve("client.log");
    Path stop = dir.resolve("stop");
    Process client = lab.start(fromRole, report, "python3", "-c", SESSION_CLIENT, toAddress, "" + port,
        stop.toString(), speaker.mode, "" + speaker.lineTimeoutSeconds);
    return new TcpSession(server, client, stop, report);
  }

  /**
   * Runs iperf3 between a client namespace and a server namespace and returns iperf3's JSON
   * report. {@code clientArgs} are added after {@code -c address}.
   */
  public String iperf3(String serverRole, String clientRole, String address, String... clientArgs) throws IOException {
    Path log = Files.createTempFile(lab.workDir(), "iperf3-", ".log");
    Process server = lab.start(serverRole, log, "iperf3", "-s", "-1");
    try {
      awaitBound(serverRole, "-Hltn", 5201);
      String[] command = new String[4 + clientArgs.length];
      command[0] = "iperf3";
      command[1] = "-J";
      command[2] = "-c";
      command[3] = address;
      System.arraycopy(clientArgs, 0, command, 4, clientArgs.length);
      return lab.run(clientRole, command);
    } finally {
      server.destroyForcibly();
    }
  }

  /** Waits until a socket is bound to {@code port} in the namespace ({@code ssOptions}: -Hltn TCP, -Hlun UDP). */
  private void awaitBound(String role, String ssOptions, int port) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      if (lab.run(role, "ss", ssOptions, "sport = :" + port).contains(":" + port)) {
        return;
      }
      sleep(50);
    }
    throw new IOException("nothing listens on port " + port + " in " + role);
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String digest(byte[] data) {
    return HexFormat.of().formatHex(sha256().digest(data));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
