package dev.simgate.agent.handover;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's side of a {@link Handover}: listens for a successor, checks it may take over, and gives it the
 * descriptors. One successor at a time, each step bounded by a timeout; a refused or failed attempt changes nothing.
 */
public final class HandoverServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HandoverServer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String interfaceName;
  private final Path aliasFile;
  private final Donor donor;
  private final UnixSeqpacket listener;
  private final Thread thread;
  private final CountDownLatch handedOver = new CountDownLatch(1);

  /** The running agent, as the server sees it. */
  public interface Donor {
    /**
     * Stops using the TAP and the socket (and frees the admin port) and returns their descriptors; the server closes
     * this process's copies once the successor has its own ({@link #released()}).
     */
    Handover.Fds release() throws IOException;

    /** The successor holds the descriptors: close ours, leave the host as it is. */
    void released();
  }

  private HandoverServer(String interfaceName, Path sysClassNet, Donor donor, UnixSeqpacket listener) {
    this.interfaceName = interfaceName;
    this.aliasFile = sysClassNet.resolve(interfaceName).resolve("ifalias");
    this.donor = donor;
    this.listener = listener;
    this.thread = Thread.ofPlatform().name("handover").daemon().start(this::serve);
  }

  /** Starts listening for a successor of the agent of {@code interfaceName}. */
  public static HandoverServer listen(String interfaceName, Donor donor) throws IOException {
    return listen(interfaceName, Path.of("/sys/class/net"), donor);
  }

  static HandoverServer listen(String interfaceName, Path sysClassNet, Donor donor) throws IOException {
    long deadline = System.nanoTime() + Handover.STEP_TIMEOUT.toNanos();
    while (true) {
      try {
        return new HandoverServer(interfaceName, sysClassNet, donor,
            UnixSeqpacket.listen(Handover.socketName(interfaceName)));
      } catch (UnixSeqpacket.SocketError e) {
        // A predecessor that just handed over closes its listener right after: wait for that, briefly.
        if (e.errno != dev.simgate.agent.sys.Libc.EADDRINUSE || System.nanoTime() - deadline > 0) {
          throw e;
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** Waits up to {@code timeout} for a successor to take over; true once one has. */
  public boolean awaitHandover(Duration timeout) throws InterruptedException {
    return handedOver.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  public boolean handedOver() {
    return handedOver.getCount() == 0;
  }

  private void serve() {
    while (!handedOver()) {
      try (UnixSeqpacket successor = listener.accept(Handover.STEP_TIMEOUT)) {
        attempt(successor);
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
        log.atWarn().addKeyValue("interface", interfaceName).addKeyValue("reason", e.getMessage())
            .log("handover attempt failed; still running");
      }
    }
    listener.close(); // the name is the successor's now
  }

  private void attempt(UnixSeqpacket successor) throws IOException {
    String hello = successor.receive().text();
    if (!hello.equals(Handover.HELLO + " " + interfaceName)) {
      successor.send("refuse expected '" + Handover.HELLO + " " + interfaceName + "'");
      return;
    }
    String nonce = HexFormat.of().formatHex(RANDOM.generateSeed(16));
    successor.send("prove " + nonce);
    if (!successor.receive().text().equals("proved") || !alias().equals(Handover.ALIAS_PREFIX + nonce)) {
      successor.send("refuse the interface's alias does not prove CAP_NET_ADMIN");
      log.atWarn().addKeyValue("interface", interfaceName).log("handover refused: the successor proved nothing");
      return;
    }
    Handover.Fds fds = donor.release();
    try {
      successor.send("fds", fds.tap(), fds.socket());
      // Logged before the count down: the agent exits as soon as it sees it, and this line would be lost.
      log.atInfo().addKeyValue("interface", interfaceName).log("handed the interface and socket over to a successor");
    } finally {
      // Sent or not, this agent has stopped: should the successor fail, the persistent TAP and the host state wait
      // for the next agent to adopt them, and this one, when told to stop, must not tear them down.
      handedOver.countDown();
      donor.released();
    }
  }

  private String alias() {
    try {
      return Files.readString(aliasFile).strip();
    } catch (IOException e) {
      return "";
    }
  }

  @Override
  public void close() {
    listener.close();
    try {
      thread.join(Handover.STEP_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
