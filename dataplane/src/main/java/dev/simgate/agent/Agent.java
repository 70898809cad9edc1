package dev.simgate.agent;

import dev.simgate.agent.admin.AdminServer;
import dev.simgate.agent.admin.AgentMetrics;
import dev.simgate.agent.admin.AgentStatus;
import dev.simgate.agent.admin.Health;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.agentconfig.AgentConfigParser;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.agent.forward.Forwarder;
import dev.simgate.agent.forward.LinuxTapPort;
import dev.simgate.agent.forward.LinuxUdpPort;
import dev.simgate.agent.forward.ReadableHandle;
import dev.simgate.agent.host.HostNetwork;
import dev.simgate.agent.host.InterfaceState;
import dev.simgate.agent.sys.Libc;
import dev.simgate.agent.tap.TapDevice;
import dev.simgate.agent.udp.UdpSocket;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's lifecycle: brings up the TAP, host configuration and socket, runs the packet path ({@link Forwarder}) on
 * one Netty epoll event loop, applies config changes, and on stop removes everything it created.
 *
 * <p>Threads: the event loop owns the packet path; the caller's thread (start, reload via the
 * watcher, stop via the shutdown hook) does the blocking host work and hands data-plane changes to
 * the loop as tasks.
 */
public final class Agent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Agent.class);
  private static final long LOOP_TIMEOUT_SECONDS = 5;

  private final String nodeName;
  private final HostNetwork host;
  private final AtomicLong reloadsApplied = new AtomicLong();
  private final AtomicLong reloadsRejected = new AtomicLong();

  private volatile boolean ready;
  private final Readiness readiness = new Readiness();
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
  private AdminServer admin;
  private ScheduledFuture<?> probes;
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("agent-events").daemon().factory());
  private boolean stopped;

  public Agent(String nodeName, HostNetwork host) {
    this.nodeName = nodeName;
    this.host = host;
  }

  /** Brings everything up; on failure undoes what was done and rethrows. */
  public synchronized void start(AgentConfig initial) throws IOException {
    config = initial;
    try {
      tap = TapDevice.open(initial.settings().interfaceName());
      host.converge(null, InterfaceState.of(initial));
      socket = UdpSocket.bind(initial.node().localAddress(), initial.settings().port());
      polling = new BusyPollStrategy(initial.settings().busyPoll());
      group = new MultiThreadIoEventLoopGroup(1, Thread.ofPlatform().name("simgate-loop").factory(),
          EpollIoHandler.newFactory(0, () -> polling));
      loop = (IoEventLoop) group.next();
      onLoop(() -> {
        loopThreadId = Thread.currentThread().threadId();
        // The ports read the loop thread's errno: made here, on it.
        forwarder = new Forwarder(new LinuxTapPort(tap.fd()), tap.mac(), new LinuxUdpPort(socket.fd()),
            initial, this::tapLost, this::peerStateChanged);
        tapRegistration = register(tap.fd(), forwarder::onFramesReadable);
        socketRegistration = register(socket.fd(), forwarder::onDatagramsReadable);
        return null;
      });
      long sweep = Math.max(1, initial.settings().macAgeing().toSeconds() / 2);
      loop.scheduleAtFixedRate(forwarder::sweep, sweep, sweep, TimeUnit.SECONDS);
      scheduleProbes(initial.settings().probe());
      var listen = new InetSocketAddress(initial.settings().admin().host(), initial.settings().admin().port());
      admin = new AdminServer(listen, null, new AdminServer.Content() {
        @Override
        public Health live() {
          return new Health(Agent.this.live(), "event loop");
        }

        @Override
        public Health ready() {
          return readiness.verdict();
        }

        @Override
        public AgentMetrics.Sample sample() {
          return Agent.this.sample();
        }

        @Override
        public byte[] status(AgentMetrics.Sample sample) {
          return AgentStatus.json(sample);
        }
      });
      readiness.serving(forwarder::peersUp, forwarder::answeredOnce, initial.settings().vpgPeers().size(), "ARP for " + initial.probeAddress(),
          Duration.ofSeconds(5));
      ready = true;
      log.atInfo().addKeyValue("interface", tap.name()).addKeyValue("address", initial.node().interfaceAddress())
          .addKeyValue("local", initial.node().localAddress() + ":" + initial.settings().port())
          .addKeyValue("vpgPeers", initial.settings().vpgPeers())
          .addKeyValue("vni", initial.settings().vni()).addKeyValue("admin", admin.address()).log("agent ready");
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /**
   * Applies a changed config file without recreating the interface. A config that does not parse,
   * validate or apply is refused with a logged reason and the running one stays in force.
   */
  public synchronized void reload(String text) {
    if (stopped) {
      return;
    }
    try {
      AgentConfig next = AgentConfigParser.parse(text, nodeName);
      if (next.equals(config)) {
        return;
      }
      apply(next);
      reloadsApplied.incrementAndGet();
      log.atInfo().addKeyValue("vpgPeers", next.settings().vpgPeers()).addKeyValue("vni", next.settings().vni())
          .addKeyValue("address", next.node().interfaceAddress()).addKeyValue("mtu", next.settings().mtu())
          .addKeyValue("routes", next.settings().routes()).log("config reloaded");
    } catch (ConfigException | IOException e) {
      reloadsRejected.incrementAndGet();
      log.atWarn().addKeyValue("reason", e.getMessage()).log("config change refused; keeping the running config");
    }
  }

  private void apply(AgentConfig next) throws ConfigException, IOException {
    if (!next.settings().interfaceName().equals(config.settings().interfaceName())) {
      throw new ConfigException("interface.name: cannot change from '" + config.settings().interfaceName() + "' to '"
          + next.settings().interfaceName() + "' while running (restart the agent)");
    }
    if (!next.settings().admin().equals(config.settings().admin())) {
      throw new ConfigException("admin.listen: cannot change from " + config.settings().admin() + " to "
          + next.settings().admin()
          + " while running (restart the agent)");
    }
    boolean rebind = !next.node().localAddress().equals(config.node().localAddress())
        || next.settings().port() != config.settings().port();
    UdpSocket nextSocket = rebind ? bindForReload(next) : socket;
    try {
      host.converge(InterfaceState.of(config), InterfaceState.of(next));
    } catch (IOException e) {
      restoreHost();
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

  private void restoreHost() {
    try {
      host.converge(null, InterfaceState.of(config));
    } catch (IOException e) {
      log.atError().addKeyValue("reason", e.getMessage()).log("could not restore the interface configuration");
    }
  }

  /**
   * The TAP failed (someone deleted the interface): stop reading it, and exit non-zero so the
   * supervisor (kubelet, systemd) restarts the agent, which recreates the interface. Crash-only is
   * simpler and surer than rebuilding it in place. Called on the event loop, so exit elsewhere.
   */
  private void tapLost(int errno) {
    ready = false;
    tapRegistration.cancel();
    Thread.ofPlatform().name("tap-lost").start(() -> {
      log.atError().addKeyValue("interface", config.settings().interfaceName()).addKeyValue("error", Libc.strerror(errno))
          .log("the TAP device failed; exiting so that the agent is restarted");
      System.exit(1);
    });
  }

  /** Probe rounds at the configured interval, on the loop (a round allocates nothing and never blocks). */
  private void scheduleProbes(Settings.Probe probe) {
    if (probes != null) {
      probes.cancel(false);
    }
    long interval = probe.interval().toNanos();
    probes = loop.scheduleAtFixedRate(forwarder::probe, 0, interval, TimeUnit.NANOSECONDS);
  }

  /** Runs on the event loop: hand the log line to another thread, so a slow log sink never holds the packet path. */
  private void peerStateChanged(String peer, String state, int peersUp) {
    events.execute(() -> {
      var line = "down".equals(state) ? log.atWarn() : log.atInfo();
      line.addKeyValue("peer", peer).addKeyValue("peersUp", peersUp)
          .log("down".equals(state) ? "VPG peer stopped answering its probes" : "VPG peer answers its probes");
    });
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

  private boolean live() {
    try {
      return onLoop(() -> Boolean.TRUE);
    } catch (IOException e) {
      return false;
    }
  }

  private AgentMetrics.Sample sample() {
    try {
      var stats = onLoop(forwarder::stats);
      var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      return new AgentMetrics.Sample(stats, threads.getThreadAllocatedBytes(loopThreadId), reloadsApplied.get(),
          reloadsRejected.get(), readiness.verdict(), host.kernelDrops(config.settings().interfaceName()));
    } catch (IOException e) {
      throw new IllegalStateException("event loop did not answer: " + e.getMessage(), e);
    }
  }

  public boolean isReady() {
    return ready;
  }

  /** Stops forwarding and removes everything the agent created. Idempotent. */
  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    ready = false;
    if (admin != null) {
      admin.close();
    }
    if (group != null) {
      try {
        if (forwarder != null) {
          onLoop(() -> {
            tapRegistration.cancel();
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
    if (socket != null) {
      socket.close();
    }
    if (tap != null) {
      host.remove(InterfaceState.of(config));
      tap.close(); // a non-persistent TAP disappears with its fd, taking its routes along
      if (host.linkExists(tap.name())) {
        host.deleteLink(tap.name());
      }
      log.atInfo().addKeyValue("interface", tap.name()).addKeyValue("removed", !host.linkExists(tap.name()))
          .log("agent stopped");
    }
  }
}
