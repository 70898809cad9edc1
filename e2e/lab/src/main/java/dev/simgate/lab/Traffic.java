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
    Path dir = Files.createTempDirectory(lab.workDir(), "tcp-");
    Path sent = dir.resolve("sent");
    Path received = dir.resolve("received");
    byte[] data = new byte[bytes];
    new Random(bytes).nextBytes(data);
    Files.write(sent, data);
    int port = 7000 + new Random().nextInt(1000);
    Process server = lab.start(toRole, dir.resolve("server.log"), "socat", "-u",
        "TCP-LISTEN:" + port + ",reuseaddr", "CREATE:" + received);
    try {
      Lab.Result client = lab.exec(fromRole, "socat", "-u", "FILE:" + sent,
          "TCP:" + toAddress + ":" + port + ",retry=50,interval=0.1,connect-timeout=5");
      if (!client.ok() || !server.waitFor(30, TimeUnit.SECONDS)) {
        return false;
      }
      return server.exitValue() == 0 && digest(Files.readAllBytes(received)).equals(digest(data));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      server.destroyForcibly();
    }
  }

  /**
   * Runs iperf3 between a client namespace and a server namespace and returns iperf3's JSON
   * report. {@code clientArgs} are added after {@code -c address}.
   */
  public String iperf3(String serverRole, String clientRole, String address, String... clientArgs) throws IOException {
    Path log = Files.createTempFile(lab.workDir(), "iperf3-", ".log");
    Process server = lab.start(serverRole, log, "iperf3", "-s", "-1");
    try {
      awaitListening(serverRole, 5201);
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

  private void awaitListening(String role, int port) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      if (lab.run(role, "ss", "-Hltn", "sport = :" + port).contains(":" + port)) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    throw new IOException("nothing listens on port " + port + " in " + role);
  }

  private static String digest(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
