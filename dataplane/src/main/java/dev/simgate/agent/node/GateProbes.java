package dev.simgate.agent.node;

import dev.simgate.contract.net.Ipv4;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gate liveness over the steering VXLAN, both sides on one UDP socket ({@code 0.0.0.0:probePort}): every interval each
 * gate's inner address is asked ({@link ProbeMessage}), and the questions other nodes ask this one are answered when
 * it carries traffic for the address asked ({@link LocalGateCheck}). A probe goes over the host route to the gate's
 * inner address on the steering device ({@link SteeringPlan}), so it works whatever the gate's state; a gate that
 * leaves {@code failureThreshold} probes unanswered stops carrying traffic ({@link GateLiveness}), one answer brings it
 * back. Changes are reported to the listener (on the probe threads: it must only hand them on).
 */
final class GateProbes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GateProbes.class);

  /** Told when the set of gates that carry traffic changed. */
  interface Listener {
    void changed();
  }

  /** One gate's probe counters, for /status. */
  record GateStat(String node, Ipv4 address, String state, long probesSent, long answers) {}

  private final DatagramSocket socket;
  private final int port;
  private final int failureThreshold;
  private final LocalGateCheck local;
  private final Listener listener;
  private final SecureRandom random = new SecureRandom();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("gate-probes").daemon().factory());
  private final Thread receiver;
  private final Map<Ipv4, GateLiveness> gates = new TreeMap<>();
  private final Map<Ipv4, String> names = new TreeMap<>();
  private long answered;
  private volatile boolean closed;

  private GateProbes(DatagramSocket socket, int port, Duration interval, int failureThreshold, LocalGateCheck local,
      Listener listener) {
    this.socket = socket;
    this.port = port;
    this.failureThreshold = failureThreshold;
    this.local = local;
    this.listener = listener;
    this.receiver = Thread.ofPlatform().name("gate-probe-receiver").daemon().start(this::receive);
    long nanos = interval.toNanos();
    ticker.scheduleAtFixedRate(this::round, nanos, nanos, TimeUnit.NANOSECONDS);
  }

  static GateProbes start(int port, Duration interval, int failureThreshold, LocalGateCheck local, Listener listener)
      throws IOException {
    // No SO_REUSEADDR: a second node agent on the node must fail here, not share the port. A predecessor that handed
    // over has closed its socket already; one that is still closing gets a moment.
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress("0.0.0.0", port));
        return new GateProbes(socket, port, interval, failureThreshold, local, listener);
      } catch (java.net.BindException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IOException("gate probes: UDP port " + port + ": " + e.getMessage(), e);
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

  /**
   * The gates to probe (inner address → node name), once the host has the routes to them; new ones carry traffic
   * until their probes say otherwise (the listener is not told: the caller planned with
   * {@link #carrying(java.util.Collection)}).
   */
  synchronized void gates(Map<Ipv4, String> next) {
    gates.keySet().retainAll(next.keySet());
    next.forEach((address, node) -> gates.computeIfAbsent(address, a -> new GateLiveness()));
    names.clear();
    names.putAll(next);
  }

  /** The gates (inner addresses) traffic may go to now. */
  synchronized Set<Ipv4> carrying() {
    return carrying(gates.keySet());
  }

  /**
   * Which of {@code candidates} traffic may go to: those not known to be down (a gate not probed yet carries, so that
   * the routes to a new gate exist before its first probe needs them).
   */
  synchronized Set<Ipv4> carrying(java.util.Collection<Ipv4> candidates) {
    Set<Ipv4> carrying = new TreeSet<>();
    for (Ipv4 address : candidates) {
      GateLiveness liveness = gates.get(address);
      if (liveness == null || liveness.carries()) {
        carrying.add(address);
      }
    }
    return carrying;
  }

  synchronized List<GateStat> stats() {
    List<GateStat> stats = new ArrayList<>();
    gates.forEach((address, liveness) -> stats.add(new GateStat(names.getOrDefault(address, ""), address,
        liveness.state().name().toLowerCase(java.util.Locale.ROOT), liveness.probesSent, liveness.answers)));
    return stats;
  }

  /** Questions from other nodes this node answered. */
  synchronized long answered() {
    return answered;
  }

  /** One round: judge every gate's last probe, then ask each again. */
  private void round() {
    List<Ipv4> wentDown = new ArrayList<>();
    List<DatagramPacket> questions = new ArrayList<>();
    synchronized (this) {
      gates.forEach((address, liveness) -> {
        if (liveness.judge(failureThreshold)) {
          wentDown.add(address);
        }
        long nonce = random.nextLong();
        liveness.sent(nonce);
        questions.add(packet(new ProbeMessage(ProbeMessage.Kind.QUESTION, nonce, address.bits()), address, port));
      });
    }
    for (Ipv4 gate : wentDown) {
      log.atWarn().addKeyValue("gate", names.get(gate)).addKeyValue("innerAddress", gate)
          .log("gate stopped answering its probes: no more traffic to it");
    }
    if (!wentDown.isEmpty()) {
      listener.changed();
    }
    for (DatagramPacket question : questions) {
      try {
        socket.send(question);
      } catch (IOException e) {
        // no route yet (the steering device is being made) or the send buffer is full: as lost as a dropped one
      }
    }
  }

  private void receive() {
    byte[] buffer = new byte[64];
    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
    while (!closed) {
      try {
        packet.setLength(buffer.length);
        socket.receive(packet);
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      ProbeMessage message = ProbeMessage.read(ByteBuffer.wrap(buffer, 0, packet.getLength()));
      if (message == null) {
        continue;
      }
      if (message.kind() == ProbeMessage.Kind.QUESTION) {
        if (local.carries(message.address())) {
          try {
            socket.send(packet(message.answer(), packet.getAddress(), packet.getPort()));
            synchronized (this) {
              answered++;
            }
          } catch (IOException e) {
            // the asker asks again
          }
        }
      } else {
        credit(message);
      }
    }
  }

  private void credit(ProbeMessage answer) {
    boolean back;
    Ipv4 gate = new Ipv4(answer.address());
    synchronized (this) {
      GateLiveness liveness = gates.get(gate);
      back = liveness != null && liveness.answered(answer.nonce());
    }
    if (back) {
      log.atInfo().addKeyValue("gate", names.get(gate)).addKeyValue("innerAddress", gate)
          .log("gate answers its probes again: traffic goes to it");
      listener.changed();
    }
  }

  private static DatagramPacket packet(ProbeMessage message, Ipv4 address, int port) {
    try {
      return packet(message, InetAddress.getByAddress(new byte[] {(byte) (address.bits() >>> 24),
          (byte) (address.bits() >>> 16), (byte) (address.bits() >>> 8), (byte) address.bits()}), port);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static DatagramPacket packet(ProbeMessage message, InetAddress to, int port) {
    ByteBuffer bytes = ByteBuffer.allocate(ProbeMessage.LENGTH);
    message.write(bytes);
    return new DatagramPacket(bytes.array(), ProbeMessage.LENGTH, to, port);
  }

  @Override
  public void close() {
    closed = true;
    ticker.shutdownNow();
    socket.close();
    try {
      receiver.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
