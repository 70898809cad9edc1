package dev.simgate.agent;

import dev.simgate.agent.forward.Forwarder;
import dev.simgate.agent.forward.LinuxTapPort;
import dev.simgate.agent.forward.LinuxUdpPort;
import dev.simgate.agent.forward.ReadableHandle;
import dev.simgate.agent.forward.Stats;
import dev.simgate.agent.handover.Handover;
import dev.simgate.agent.host.HostNetwork;
import dev.simgate.agent.host.InterfaceState;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.tap.TapDevice;
import dev.simgate.agent.udp.UdpSocket;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.agentconfig.Settings;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running data plane: the TAP with its host configuration, the VXLAN socket, and the packet path
 * ({@link Forwarder}) on one Netty epoll event loop, with its probes. {@link Supervisor} starts, reconfigures and
 * stops it.
 *
 * <p>Threads: the event loop owns the packet path; the caller's thread does the blocking host work and hands
 * data-plane changes to the loop as tasks.
 */
final class Agent {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final long LOOP_TIMEOUT_SECONDS = 5;

  private final HostNetwork host;
  private AgentConfig config;
  private TapDevice tap;
  private UdpSocket socket;
  private MultiThreadIoEventLoopGroup group;
  private BusyPollStrategy polling;
  private IoEventLoop loop;
  private long loopThreadId;
  private Forwarder forwarder;
  private IoRegistration tapRegistration;
  private IoRegistration socketRegistration;
  private ScheduledFuture<?> probes;
  private boolean stopped;
  /** Whether the interface is up: it is taken down while no VPG peer answers (see {@link #tunnelUp(boolean)}). */
  private boolean up = true;

  private Agent(HostNetwork host, AgentConfig config) {
    this.host = host;
    this.config = config;
  }

  /**
   * Brings a data plane up: with the descriptors a predecessor handed over, or on a TAP of its own (created, or the
   * persistent one an agent killed with SIGKILL left, adopted); the host is converged to {@code config} either way,
   * and what earlier agents left for other interfaces is removed. On failure, undoes what it did and rethrows.
   *
   * @param onTapLost told (on the event loop, with the errno) when the TAP fails for good
   * @param onPeerState told (on the event loop) when a VPG peer starts or stops answering
   */
  static Agent start(AgentConfig config, HostNetwork host, Predecessor predecessor, IntConsumer onTapLost,
      Forwarder.PeerStateListener onPeerState) throws IOException {
    Agent agent = new Agent(host, config);
    try {
      agent.open(predecessor, onTapLost, onPeerState);
      return agent;
    } catch (IOException | RuntimeException e) {
      agent.close(true);
      throw e;
    }
  }

  /** Where a running agent's descriptors come from, if there is one: asked once the event loop is warm. */
  interface Predecessor {
    /** The descriptors, or null when no agent runs for the interface. */
    Handover.Fds takeOver() throws IOException;
  }

  private void open(Predecessor predecessor, IntConsumer onTapLost, Forwarder.PeerStateListener onPeerState)
      throws IOException {
    Settings settings = config.settings();
    // The event loop before the handover: every millisecond between the predecessor stopping and this agent
    // reading counts in the handover's gap, and starting a loop (loading Netty's epoll) takes tens of them.
    polling = new BusyPollStrategy(settings.busyPoll());
    group = new MultiThreadIoEventLoopGroup(1, Thread.ofPlatform().name("simgate-loop").factory(),
        EpollIoHandler.newFactory(0, () -> polling));
    loop = (IoEventLoop) group.next();
    onLoop(() -> {
      loopThreadId = Thread.currentThread().threadId();
      // A packet path on no devices, built and dropped: loads and initialises its classes now, not in the gap.
      new Forwarder(Idle.TAP, 0, Idle.UDP, config, errno -> { }, (peer, state, up) -> { }).close();
      return null;
    });
    Handover.Fds donated = predecessor.takeOver();
    if (donated != null) {
      tap = TapDevice.adopt(donated.tap(), settings.interfaceName());
      socket = UdpSocket.adopt(donated.socket());
    } else {
      for (String removed : host.removeLeftovers(Set.of(settings.interfaceName()))) {
        log.atInfo().addKeyValue("removed", removed).log("removed what an earlier agent left");
      }
      tap = TapDevice.open(settings.interfaceName());
    }
    if (socket != null && !boundAsConfigured(socket, config)) {
      socket.close();
      socket = null;
    }
    if (socket == null) {
      socket = UdpSocket.bind(config.node().localAddress(), settings.port());
    }
    // The packet path first, the host after: a handed-over interface is already set up. (A new interface simply
    // carries nothing until it is up.)
    onLoop(() -> {
      // The ports read the loop thread's errno: made here, on it.
      forwarder = new Forwarder(new LinuxTapPort(tap.fd()), tap.mac(), new LinuxUdpPort(socket.fd()), config,
          errno -> tapLost(errno, onTapLost), onPeerState);
      tapRegistration = register(tap.fd(), forwarder::onFramesReadable);
      socketRegistration = register(socket.fd(), forwarder::onDatagramsReadable);
      return null;
    });
    long sweep = Math.max(1, settings.macAgeing().toSeconds() / 2);
    loop.scheduleAtFixedRate(forwarder::sweep, sweep, sweep, TimeUnit.SECONDS);
    scheduleProbes(settings.probe());
    host.adopt(InterfaceState.of(config));
    log.atInfo().addKeyValue("interface", tap.name()).addKeyValue("address", config.node().interfaceAddress())
        .addKeyValue("local", config.node().localAddress() + ":" + settings.port())
        .addKeyValue("vpgPeers", settings.vpgPeers()).addKeyValue("vni", settings.vni())
        .addKeyValue("handedOver", donated != null).log("data plane up");
  }

  private static boolean boundAsConfigured(UdpSocket socket, AgentConfig config) {
    return socket.address().equals(config.node().localAddress()) && socket.port() == config.settings().port();
  }

  AgentConfig config() {
    return config;
  }

  /**
   * Applies a changed config without recreating the interface. The host is changed first; if that fails, what the
   * change did is undone (from the new state back to the running one) and the running config stays in force.
   *
   * @throws ConfigException the change cannot be made while running (a restart would make it)
   * @throws IOException the host refused (e.g. a transient ip or nft failure); nothing changed, try again later
   */
  void apply(AgentConfig next) throws ConfigException, IOException {
    if (!next.settings().interfaceName().equals(config.settings().interfaceName())) {
      throw new ConfigException("interface.name: cannot change from '" + config.settings().interfaceName() + "' to '"
          + next.settings().interfaceName() + "' while running (restart the agent)");
    }
    boolean rebind = !next.node().localAddress().equals(config.node().localAddress())
        || next.settings().port() != config.settings().port();
    UdpSocket nextSocket = rebind ? bindForReload(next) : socket;
    try {
      host.converge(state(config), state(next));
    } catch (IOException e) {
      rollBack(next);
      if (rebind) {
        nextSocket.close();
      }
      throw e;
    }
    UdpSocket previous = socket;
    onLoop(() -> {
      if (rebind) {
        socketRegistration.cancel();
        socketRegistration = register(nextSocket.fd(), forwarder::onDatagramsReadable);
      }
      forwarder.reconfigure(next, new LinuxUdpPort(nextSocket.fd()));
      return null;
    });
    if (!next.settings().probe().interval().equals(config.settings().probe().interval())) {
      scheduleProbes(next.settings().probe());
    }
    polling.window(next.settings().busyPoll());
    if (rebind) {
      socket = nextSocket;
      previous.close();
    }
    config = next;
  }

  private UdpSocket bindForReload(AgentConfig next) throws ConfigException {
    try {
      return UdpSocket.bind(next.node().localAddress(), next.settings().port());
    } catch (IOException e) {
      throw new ConfigException("localAddress/port: " + e.getMessage(), e);
    }
  }

  /** A change that failed half-way: take the host from whatever of {@code next} got applied back to the config. */
  private void rollBack(AgentConfig next) {
    try {
      host.converge(state(next), state(config));
    } catch (IOException e) {
      log.atError().addKeyValue("reason", e.getMessage())
          .log("could not restore the interface configuration; it is retried with the next attempt");
    }
  }

  /** What the host should have for {@code config}, with the interface up or down as it is now. */
  private InterfaceState state(AgentConfig of) {
    return InterfaceState.of(of).withUp(up);
  }

  /**
   * Takes the interface down (no VPG peer answers: the tunnel leads nowhere) or brings it up again with its routes.
   * The kernel keeps a down link's address but drops the routes through it, so a node that steers its pods here stops
   * seeing this gate answer and uses another, and this node's own steering routes (node agent) take over. The packet
   * path keeps running: probes go over the underlay socket, so the peers' answers still arrive.
   */
  void tunnelUp(boolean value) throws IOException {
    if (value == up) {
      return;
    }
    host.converge(state(config), InterfaceState.of(config).withUp(value));
    up = value;
  }

  boolean tunnelUp() {
    return up;
  }

  /** Probe rounds at the configured interval, on the loop (a round allocates nothing and never blocks). */
  private void scheduleProbes(Settings.Probe probe) {
    if (probes != null) {
      probes.cancel(false);
    }
    long interval = probe.interval().toNanos();
    probes = loop.scheduleAtFixedRate(forwarder::probe, 0, interval, TimeUnit.NANOSECONDS);
  }

  /** The TAP failed (someone deleted the interface): stop reading it and tell the supervisor. On the loop. */
  private void tapLost(int errno, IntConsumer onTapLost) {
    tapRegistration.cancel();
    log.atError().addKeyValue("interface", config.settings().interfaceName()).addKeyValue("error", Libc.strerror(errno))
        .log("the TAP device failed");
    onTapLost.accept(errno);
  }

  private IoRegistration register(int fd, Runnable onReadable) throws Exception {
    IoRegistration registration = loop.register(new ReadableHandle(fd, onReadable)).sync().getNow();
    registration.submit(EpollIoOps.EPOLLIN);
    return registration;
  }

  private <T> T onLoop(Callable<T> task) throws IOException {
    try {
      return loop.submit(task).get(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for the event loop", e);
    } catch (Exception e) {
      throw new IOException("event loop task failed: " + e, e);
    }
  }

  /** Whether the event loop answers. */
  boolean live() {
    try {
      return onLoop(() -> Boolean.TRUE);
    } catch (IOException e) {
      return false;
    }
  }

  int peersUp() {
    return forwarder.peersUp();
  }

  boolean answeredOnce() {
    return forwarder.answeredOnce();
  }

  /** A copy of the packet path's counters (taken on the loop). */
  Stats stats() throws IOException {
    return onLoop(forwarder::stats);
  }

  /** Bytes the event-loop thread has allocated: flat under load when the path allocates nothing. */
  long loopAllocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(loopThreadId);
  }

  /**
   * Stops the packet path and gives up the TAP and the socket for a successor ({@link Handover}); the host is left
   * exactly as it is. The descriptors stay open until {@link #close} (the successor gets duplicates).
   */
  Handover.Fds release() throws IOException {
    onLoop(() -> { // only stop reading: the loop itself goes with close(), after the successor has the descriptors
      tapRegistration.cancel();
      socketRegistration.cancel();
      probes.cancel(false);
      return null;
    });
    return new Handover.Fds(tap.fd(), socket.fd());
  }

  /**
   * Stops forwarding. With {@code teardown}, removes everything the agent created (routes, address, nftables table,
   * the interface); without (a successor took over), closes this process's descriptors and leaves the host as it is.
   * Idempotent.
   */
  synchronized void close(boolean teardown) {
    if (stopped) {
      return;
    }
    stopped = true;
    stopLoop();
    if (socket != null) {
      socket.close();
    }
    if (tap == null) {
      return;
    }
    if (!teardown) {
      tap.close();
      return;
    }
    host.remove(state(config));
    tap.destroy(); // not persistent any more: the link goes with the descriptor, taking its routes along
    if (host.linkExists(tap.name())) {
      host.deleteLink(tap.name());
    }
    log.atInfo().addKeyValue("interface", tap.name()).addKeyValue("removed", !host.linkExists(tap.name()))
        .log("data plane removed");
  }

  private void stopLoop() {
    if (group == null || group.isShuttingDown()) {
      return;
    }
    try {
      if (forwarder != null) {
        onLoop(() -> {
          tapRegistration.cancel(); // idempotent
          socketRegistration.cancel();
          return null;
        });
      }
    } catch (IOException e) {
      log.atWarn().addKeyValue("reason", e.getMessage()).log("event loop did not deregister cleanly");
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(LOOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (forwarder != null) {
      forwarder.close();
    }
  }

  /** Devices that have nothing to read and take nothing: for the packet path built before the real ones are there. */
  private static final class Idle {
    static final dev.simgate.agent.forward.TapPort TAP = new dev.simgate.agent.forward.TapPort() {
      @Override
      public long read(long address, long length) {
        return -1;
      }

      @Override
      public long write(long address, long length) {
        return -1;
      }

      @Override
      public long writev(long iovecs, int count) {
        return -1;
      }

      @Override
      public int error() {
        return Libc.EAGAIN;
      }
    };
    static final dev.simgate.agent.forward.UdpPort UDP = new dev.simgate.agent.forward.UdpPort() {
      @Override
      public int receive(long messages, int count) {
        return -1;
      }

      @Override
      public int send(long messages, int count) {
        return -1;
      }

      @Override
      public int error() {
        return Libc.EAGAIN;
      }

      @Override
      public boolean segmentationOffload() {
        return false;
      }
    };
  }
}
