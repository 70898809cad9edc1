package dev.simgate.agent;

import dev.simgate.agent.admin.AdminServer;
import dev.simgate.agent.admin.AgentMetrics;
import dev.simgate.agent.admin.AgentStatus;
import dev.simgate.agent.admin.Health;
import dev.simgate.agent.forward.Stats;
import dev.simgate.agent.handover.Handover;
import dev.simgate.agent.handover.HandoverClient;
import dev.simgate.agent.handover.HandoverServer;
import dev.simgate.agent.host.HostNetwork;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.AgentConfigParser;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.agentconfig.MissingNodeEntryException;
import dev.simgate.contract.agentconfig.Settings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the host at the config file, or says loudly why not: polls the file, starts the {@link Agent} once this
 * node's entry is there, applies changes, and never reports ready for a config that is not in force.
 *
 * <ul>
 *   <li>A change that needs a restart (interface.name, admin endpoints) or a file that does not parse is refused: the
 *       running config stays in force, and /readyz says the file's config is not.
 *   <li>A change the host refuses (a failed {@code ip} or {@code nft}) is rolled back and retried with backoff,
 *       not ready meanwhile.
 *   <li>This node's entry removed from the cluster config: the inner address may now be another node's, so the data
 *       plane is removed and the agent waits, not ready, for an entry again.
 *   <li>Stopping: a successor may take the data plane over ({@link Handover}), for up to {@code handoverWait};
 *       otherwise everything the agent created is removed.
 * </ul>
 *
 * <p>One thread (the caller of {@link #run}) reads the file and changes the host; the handover and the shutdown hook
 * take the same lock.
 */
final class Supervisor {
  private static final Logger log = LoggerFactory.getLogger(Supervisor.class);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);
  /** How long probes may go unanswered after the start before /readyz says no peer answers (it is not ready either way). */
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Duration ADMIN_PORT_WAIT = Duration.ofSeconds(5);
  /**
   * How long every VPG peer must stay silent before the interface goes down: probes lost to a moment of overload must
   * not take routes and neighbours away from working traffic (a peer's own failover needs no interface change).
   */
  static final Duration TUNNEL_HOLD_DOWN = Duration.ofSeconds(3);

  private final Path file;
  private final String node;
  private final Duration pollInterval;
  private final Duration handoverWait;
  private final HostNetwork host;
  private final Readiness readiness = new Readiness();
  private final AtomicLong reloadsApplied = new AtomicLong();
  private final AtomicLong reloadsRejected = new AtomicLong();
  private final ExecutorService events =
      Executors.newSingleThreadExecutor(Thread.ofPlatform().name("agent-events").daemon().factory());

  private Agent agent;
  private AdminServer admin;
  private Settings adminSettings;
  private HandoverServer handoverServer;
  private String lastText;
  private String lastProblem;
  private AgentConfig pending;
  private long retryAtNanos;
  private Duration retryDelay = Duration.ofSeconds(1);
  private boolean waitingLogged;
  private volatile boolean stopping;
  private volatile boolean handedOver;
  private volatile boolean failed;
  private long tunnelLostSince = -1;

  Supervisor(Path file, String node, Duration pollInterval, Duration handoverWait, HostNetwork host) {
    this.file = file;
    this.node = node;
    this.pollInterval = pollInterval;
    this.handoverWait = handoverWait;
    this.host = host;
  }

  /**
   * Runs until {@link #stop()}: 0 then; 2 for a config that is invalid at the start, 1 for a start that fails.
   */
  int run() throws InterruptedException {
    while (!stopping) {
      synchronized (this) {
        if (stopping || handedOver) {
          break;
        }
        try {
          step();
          followPeers();
        } catch (StartFailure e) {
          System.err.println("simgate-agent: " + e.getMessage());
          return e.exitCode;
        }
      }
      Thread.sleep(pollInterval);
    }
    while (!stopping) {
      Thread.sleep(pollInterval); // handed over: idle until told to stop
    }
    return 0;
  }

  /** One look at the file: act on a change, or retry a change the host refused. */
  private void step() throws StartFailure {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      if (lastText == null) {
        throw new StartFailure(2, "cannot read config " + file + ": " + e.getMessage());
      }
      return; // mid-swap or briefly absent (ConfigMap updates swap a symlink): look again next time
    }
    boolean retryDue = pending != null && System.nanoTime() - retryAtNanos >= 0;
    if (text.equals(lastText) && !retryDue) {
      return;
    }
    boolean first = lastText == null;
    lastText = text;
    AgentConfig next;
    try {
      next = AgentConfigParser.parse(text, node);
    } catch (MissingNodeEntryException e) {
      retire(e.getMessage());
      return;
    } catch (ConfigException e) {
      if (first) {
        throw new StartFailure(2, "invalid config " + file + ": " + e.getMessage());
      }
      refuse("the config file is invalid (" + e.getMessage() + "); the last good one runs");
      return;
    }
    waitingLogged = false;
    if (agent == null) {
      start(next);
    } else if (!next.equals(agent.config()) || pending != null) {
      apply(next);
    } else {
      settled();
    }
  }

  /**
   * The interface is down while no VPG peer answers any more ({@link Readiness#tunnelLost()}, for at least
   * {@link #TUNNEL_HOLD_DOWN}) and up again as soon as one does: a tunnel that leads nowhere must not attract traffic, so nodes that steer pods here (and this node's own
   * steering routes) move to gate nodes whose tunnel works. Under the lock; a host that refuses is tried again next
   * time.
   */
  private void followPeers() {
    if (agent == null || stopping || handedOver || failed) {
      return;
    }
    long now = System.nanoTime();
    boolean lost = readiness.tunnelLost();
    if (!lost) {
      tunnelLostSince = -1;
    } else if (tunnelLostSince < 0) {
      tunnelLostSince = now;
    }
    boolean wanted = !lost || now - tunnelLostSince < TUNNEL_HOLD_DOWN.toNanos();
    if (wanted == agent.tunnelUp()) {
      return;
    }
    try {
      agent.tunnelUp(wanted);
      var line = wanted ? log.atInfo() : log.atWarn();
      line.addKeyValue("interface", agent.config().settings().interfaceName())
          .log(wanted ? "a VPG peer answers: interface up again"
              : "no VPG peer answers: interface down, so that traffic goes to gate nodes whose tunnel works");
    } catch (IOException e) {
      log.atWarn().addKeyValue("reason", e.getMessage()).addKeyValue("up", wanted)
          .log("could not change the interface's state; trying again");
    }
  }

  private void start(AgentConfig config) throws StartFailure {
    Settings settings = config.settings();
    if (admin != null && !sameAdmin(settings)) {
      refuse(adminChange(settings));
      return;
    }
    try {
      agent = Agent.start(config, host, () -> {
        Handover.Fds donated = HandoverClient.takeOver(settings.interfaceName(), host::setAlias).orElse(null);
        if (donated != null) {
          log.atInfo().addKeyValue("interface", settings.interfaceName()).log("took over from the running agent");
        }
        return donated;
      }, this::tapLost, this::peerStateChanged);
      if (admin == null) {
        admin = openAdmin(settings);
        adminSettings = settings;
      }
      handoverServer = HandoverServer.listen(settings.interfaceName(), new Donor());
    } catch (IOException | RuntimeException e) {
      if (agent != null) {
        agent.close(true);
        agent = null;
      }
      throw new StartFailure(1, "agent failed to start: " + e.getMessage());
    }
    readiness.serving(agent::peersUp, agent::answeredOnce, settings.vpgPeers().size(), probeTarget(config), GRACE);
    settled();
    log.atInfo().addKeyValue("interface", settings.interfaceName()).addKeyValue("admin", admin.addresses())
        .log("agent running");
  }

  private void apply(AgentConfig next) {
    if (!sameAdmin(next.settings())) {
      refuse(adminChange(next.settings()));
      return;
    }
    try {
      agent.apply(next);
    } catch (ConfigException e) {
      refuse(e.getMessage());
      return;
    } catch (IOException e) {
      // The host refused (ip or nft failed): rolled back; try again, not ready meanwhile.
      if (pending == null || !Objects.equals(lastProblem, e.getMessage())) {
        reloadsRejected.incrementAndGet();
        log.atWarn().addKeyValue("reason", e.getMessage()).addKeyValue("retryIn", retryDelay)
            .log("config change not applied; the running config stays in force and the change is retried");
      }
      lastProblem = e.getMessage();
      pending = next;
      readiness.configProblem("not applied yet, retrying (" + e.getMessage() + ")");
      retryAtNanos = System.nanoTime() + retryDelay.toNanos();
      retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
      return;
    }
    reloadsApplied.incrementAndGet();
    readiness.peers(next.settings().vpgPeers().size(), probeTarget(next));
    log.atInfo().addKeyValue("vpgPeers", next.settings().vpgPeers()).addKeyValue("vni", next.settings().vni())
        .addKeyValue("address", next.node().interfaceAddress()).addKeyValue("mtu", next.settings().mtu())
        .addKeyValue("routes", next.settings().routes()).log("config reloaded");
    settled();
  }

  /** The file's config is the one in force. */
  private void settled() {
    pending = null;
    lastProblem = null;
    retryDelay = Duration.ofSeconds(1);
    readiness.configProblem(null);
  }

  /** Refuses the file's config loudly: logged once per change, counted, and /readyz says why. */
  private void refuse(String problem) {
    pending = null;
    if (!problem.equals(lastProblem)) {
      reloadsRejected.incrementAndGet();
      log.atWarn().addKeyValue("reason", problem).log("config change refused; keeping the running config");
    }
    lastProblem = problem;
    readiness.configProblem(problem);
  }

  /** This node has no entry (any more): nothing of the data plane may stay, its inner address is not ours. */
  private void retire(String why) {
    pending = null;
    lastProblem = null;
    readiness.configProblem(null);
    readiness.notServing("waiting for this node's entry in the config (" + why + ")");
    if (!waitingLogged) {
      log.atInfo().addKeyValue("node", node).addKeyValue("config", file).addKeyValue("reason", why)
          .log(agent == null ? "waiting for this node's entry in the config"
              : "this node's entry left the config: removing the data plane until it is back");
      waitingLogged = true;
    }
    if (agent != null) {
      closeHandoverServer();
      agent.close(true);
      agent = null;
    }
  }

  /** Stops (shutdown hook): hands over to a successor that comes within the wait, else removes everything. */
  void stop() {
    stopping = true;
    HandoverServer waitFor;
    synchronized (this) {
      readiness.notServing("stopping");
      waitFor = agent != null && !handedOver && !failed && !handoverWait.isZero() ? handoverServer : null;
    }
    if (waitFor != null) { // without the lock: the handover takes it
      log.atInfo().addKeyValue("wait", handoverWait).log("stopping: a successor may take over meanwhile");
      try {
        waitFor.awaitHandover(handoverWait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      closeHandoverServer();
      if (agent != null && !handedOver) {
        agent.close(true);
      }
      agent = null;
      if (admin != null) {
        admin.close();
      }
      events.shutdown();
    }
  }

  private void closeHandoverServer() {
    if (handoverServer != null) {
      handoverServer.close();
      handoverServer = null;
    }
  }

  /** The running agent, as the handover server sees it. */
  private final class Donor implements HandoverServer.Donor {
    @Override
    public Handover.Fds release() throws IOException {
      synchronized (Supervisor.this) {
        if (agent == null || failed) {
          throw new IOException("no data plane to hand over");
        }
        Handover.Fds fds = agent.release();
        handedOver = true;
        readiness.notServing("handed over to a successor");
        return fds;
      }
    }

    @Override
    public void released() {
      synchronized (Supervisor.this) {
        if (admin != null) {
          admin.close(); // the successor binds the same ports (it waits for them)
          admin = null;
        }
        if (agent != null) {
          agent.close(false);
        }
      }
    }
  }

  /** The TAP is gone (someone deleted the interface): clean up and exit 1, so the supervisor restarts the agent. */
  private void tapLost(int errno) {
    failed = true;
    readiness.notServing("the TAP device failed");
    Thread.ofPlatform().name("tap-lost").start(() -> {
      log.atError().log("exiting so that the agent is restarted and the interface recreated");
      System.exit(1);
    });
  }

  /** On the event loop: the log line goes to another thread, so a slow log sink never holds the packet path. */
  private void peerStateChanged(String peer, String state, int peersUp) {
    events.execute(() -> {
      var line = "down".equals(state) ? log.atWarn() : log.atInfo();
      line.addKeyValue("peer", peer).addKeyValue("peersUp", peersUp)
          .log("down".equals(state) ? "VPG peer stopped answering its probes" : "VPG peer answers its probes");
      synchronized (this) {
        followPeers();
      }
    });
  }

  private boolean sameAdmin(Settings settings) {
    return adminSettings == null || (settings.admin().equals(adminSettings.admin())
        && Objects.equals(settings.metricsListen(), adminSettings.metricsListen()));
  }

  private String adminChange(Settings settings) {
    return "admin: cannot change from " + adminSettings.admin() + "/" + adminSettings.metricsListen() + " to "
        + settings.admin() + "/" + settings.metricsListen() + " while running (restart the agent)";
  }

  private static String probeTarget(AgentConfig config) {
    return config.settings().probe().kind() == Settings.Probe.Kind.NONE ? "probing off"
        : "ARP for " + config.probeAddress();
  }

  /** The admin endpoints; a predecessor that just handed over frees their ports a moment later, so wait briefly. */
  private AdminServer openAdmin(Settings settings) throws IOException {
    long deadline = System.nanoTime() + ADMIN_PORT_WAIT.toNanos();
    while (true) {
      try {
        return newAdmin(settings);
      } catch (java.net.BindException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private AdminServer newAdmin(Settings settings) throws IOException {
    InetSocketAddress listen = new InetSocketAddress(settings.admin().host(), settings.admin().port());
    InetSocketAddress metrics = settings.metricsListen() == null ? null
        : new InetSocketAddress(settings.metricsListen().host(), settings.metricsListen().port());
    return new AdminServer(listen, metrics, new AdminServer.Content() {
      @Override
      public Health live() {
        Agent running = agent;
        boolean ok = running == null || running.live();
        return new Health(ok, ok ? "event loop answers" : "event loop stuck");
      }

      @Override
      public Health ready() {
        return readiness.verdict();
      }

      @Override
      public io.prometheus.metrics.model.snapshots.MetricSnapshots metrics() {
        return AgentMetrics.snapshots(sample());
      }

      @Override
      public byte[] status() {
        return AgentStatus.json(sample());
      }
    });
  }

  private AgentMetrics.Sample sample() {
    Agent running = agent;
    try {
      var stats = running == null ? Stats.empty() : running.stats();
      long allocated = running == null ? 0 : running.loopAllocatedBytes();
      var kernel = running == null ? java.util.Map.<String, Long>of()
          : host.kernelCounters(running.config().settings().interfaceName());
      return new AgentMetrics.Sample(stats, allocated, reloadsApplied.get(), reloadsRejected.get(), readiness.verdict(),
          kernel);
    } catch (IOException e) {
      throw new IllegalStateException("event loop did not answer: " + e.getMessage(), e);
    }
  }

  /** A start that cannot go on, with the process's exit code. */
  private static final class StartFailure extends Exception {
    final int exitCode;

    StartFailure(int exitCode, String message) {
      super(message);
      this.exitCode = exitCode;
    }
  }
}
