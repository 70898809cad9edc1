package dev.simgate.agent.node;

import dev.simgate.agent.handover.UnixSeqpacket;
import dev.simgate.agent.host.IpCommandHostNetwork;
import dev.simgate.agent.sys.Libc;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handing the node over to a new node agent, so that a DaemonSet rolling update ({@code maxSurge}) removes nothing:
 * the node's table, steering device and routes stay in the kernel, the new agent adopts them, the old one stops
 * changing them and, told to stop later, leaves them. There are no descriptors to pass (unlike the gate agent's
 * handover): only who is in charge.
 *
 * <p>On the abstract Unix socket {@value #SOCKET} of the host's network namespace: the successor says
 * {@value #HELLO}; the running agent answers {@code prove <nonce>}; the successor creates the nftables table
 * {@code inet simgate_handover_<nonce>} (which needs CAP_NET_ADMIN over the host's network, as everything the node
 * agent does) and says {@code proved}; the running agent finds the table, deletes it, stops (freeing its UDP and HTTP ports)
 * and answers {@code released}. Anything that cannot prove it is refused and changes nothing.
 */
final class NodeHandover {
  private static final Logger log = LoggerFactory.getLogger(NodeHandover.class);
  static final String SOCKET = "simgate-node-agent";
  static final String HELLO = "simgate-node-handover/1";
  static final Duration STEP = Duration.ofSeconds(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  private NodeHandover() {}

  /** The nftables side of the proof. */
  interface Proof {
    /** The successor: creates the table named by {@code nonce}. */
    void make(String nonce) throws IOException;

    /** The running agent: whether the table is there; removes it either way. */
    boolean check(String nonce);
  }

  static String table(String nonce) {
    return "inet " + IpCommandHostNetwork.NODE_HANDOVER_TABLE_PREFIX + nonce;
  }

  /**
   * The successor's side: asks a running node agent to hand the node over.
   *
   * @return true when one did (it has stopped; the node's state is this agent's to adopt), false when none runs
   * @throws IOException when one runs but refused or failed (it keeps running)
   */
  static boolean takeOver(Proof proof) throws IOException {
    UnixSeqpacket running;
    try {
      running = UnixSeqpacket.connect(SOCKET, STEP);
    } catch (UnixSeqpacket.SocketError e) {
      if (e.errno == Libc.ECONNREFUSED) {
        return false;
      }
      throw e;
    }
    try (running) {
      running.send(HELLO);
      String challenge = running.receive().text();
      if (!challenge.startsWith("prove ")) {
        throw new IOException("the running node agent refused the handover: " + challenge);
      }
      proof.make(challenge.substring("prove ".length()));
      running.send("proved");
      String answer = running.receive().text();
      if (!answer.equals("released")) {
        throw new IOException("the running node agent refused the handover: " + answer);
      }
      return true;
    }
  }

  /** The running agent's side: listens for a successor until one took over or it is closed. */
  static final class Server implements AutoCloseable {
    private final UnixSeqpacket listener;
    private final Proof proof;
    private final Runnable release;
    private final CountDownLatch handedOver = new CountDownLatch(1);
    private final Thread thread;

    private Server(UnixSeqpacket listener, Proof proof, Runnable release) {
      this.listener = listener;
      this.proof = proof;
      this.release = release;
      this.thread = Thread.ofPlatform().name("node-handover").daemon().start(this::serve);
    }

    /**
     * Listens; a predecessor that just handed over closes its listener a moment later, so EADDRINUSE is waited out.
     *
     * @param release stops this agent without removing anything (and frees its ports); called before the answer
     */
    static Server listen(Proof proof, Runnable release) throws IOException {
      long deadline = System.nanoTime() + STEP.toNanos();
      while (true) {
        try {
          return new Server(UnixSeqpacket.listen(SOCKET), proof, release);
        } catch (UnixSeqpacket.SocketError e) {
          if (e.errno != Libc.EADDRINUSE || System.nanoTime() - deadline > 0) {
            throw e;
          }
          sleep(50);
        }
      }
    }

    boolean awaitHandover(Duration timeout) throws InterruptedException {
      return handedOver.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    boolean handedOver() {
      return handedOver.getCount() == 0;
    }

    private void serve() {
      while (!handedOver()) {
        try (UnixSeqpacket successor = listener.accept(STEP)) {
          attempt(successor);
        } catch (IOException e) {
          if (listener.isClosed()) {
            return;
          }
          log.atWarn().addKeyValue("reason", e.getMessage()).log("handover attempt failed; still running");
        }
      }
      listener.close(); // the name is the successor's now
    }

    private void attempt(UnixSeqpacket successor) throws IOException {
      if (!successor.receive().text().equals(HELLO)) {
        successor.send("refuse expected '" + HELLO + "'");
        return;
      }
      String nonce = HexFormat.of().formatHex(RANDOM.generateSeed(12));
      successor.send("prove " + nonce);
      boolean proved = successor.receive().text().equals("proved") && proof.check(nonce);
      if (!proved) {
        successor.send("refuse no table " + table(nonce) + ": CAP_NET_ADMIN not proved");
        log.atWarn().log("handover refused: the successor proved nothing");
        return;
      }
      release.run();
      handedOver.countDown();
      successor.send("released");
      log.atInfo().log("handed the node over to a successor; leaving everything in place");
    }

    @Override
    public void close() {
      listener.close();
      try {
        thread.join(STEP.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private static void sleep(long millis) {
      try {
        Thread.sleep(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
