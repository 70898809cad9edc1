package dev.simgate.agent.node;

import dev.simgate.agent.admin.Health;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node at its policy: one control thread takes what the policy source and the gate probes report, turns the
 * policy into the node's nftables table ({@link NodeRuleset}) and steering ({@link SteeringPlan}), and applies them
 * ({@link NodeHost}); a change the host refuses is retried with backoff, a document that does not parse (or is
 * another node's) is refused whole and the running policy stays. Every second it also looks for gate agents'
 * interfaces (and removes those no process held for long, {@link LongDetached}); every minute it converges the steering
 * again (what someone else changed comes back).
 */
final class NodeAgent {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final Duration TICK = Duration.ofSeconds(1);
  private static final Duration RESYNC = Duration.ofSeconds(60);
  private static final Duration MAX_RETRY = Duration.ofSeconds(30);

  /**
   * @param gateInterfaces interface names of gate agents assumed present (the default {@code simgate0}); those found
   *     running (by their alias) are added
   * @param removeDetachedAfter how long a gate agent's interface may be held by no process before it is removed
   *     ({@link LongDetached}); zero: never (but at the last stop)
   */
  record Options(String node, int probePort, Duration probeInterval, int probeFailures, List<Integer> adminPorts,
      Set<String> gateInterfaces, Duration removeDetachedAfter) {}

  private final Options options;
  private final PolicySource source;
  private final NodeHost host;
  private final LocalGateCheck local;
  private final LinkedBlockingQueue<Runnable> events = new LinkedBlockingQueue<>();
  private final LongDetached longDetached;
  private final AtomicLong updatesApplied = new AtomicLong();
  private final AtomicLong updatesRejected = new AtomicLong();
  private GateProbes probes;
  private Thread control;
  private volatile boolean stopping;

  // Control thread only (published through the volatile view below).
  private String lastText;
  private NodePolicy wanted;
  private NodePolicy inForce;
  private String appliedTable;
  private volatile SortedSet<String> gateInterfaces = new TreeSet<>();
  private boolean dirty;
  private boolean routesDirty;
  private long retryAtNanos;
  private Duration retryDelay = Duration.ofSeconds(1);
  private long resyncAtNanos;
  private String lastSourceTrouble;

  /** What the admin endpoint reads (any thread). */
  private volatile View view = new View(null, "waiting for the policy", false, 0);

  /** The state the admin endpoint shows. */
  record View(NodePolicy inForce, String reason, boolean ready, double lastApplySeconds) {}

  NodeAgent(Options options, PolicySource source, NodeHost host, LocalGateCheck local) {
    this.options = options;
    this.source = source;
    this.host = host;
    this.local = local;
    this.gateInterfaces = new TreeSet<>(options.gateInterfaces());
    this.longDetached = new LongDetached(options.removeDetachedAfter());
  }

  /**
   * Opens the probe socket, starts the control thread and the policy source.
   *
   * @param adopting a predecessor handed the node over: its table is updated in place (counters kept) if it can be
   */
  void start(boolean adopting) throws IOException {
    if (adopting) {
      appliedTable = ""; // some table of ours is there: try an update first
    }
    view = new View(null, "waiting for the policy (" + source.describe() + ")", false, 0);
    probes = GateProbes.start(options.probePort(), options.probeInterval(), options.probeFailures(), local,
        () -> events.add(() -> routesDirty = true));
    control = Thread.ofPlatform().name("node-agent").start(this::run);
    source.start(new PolicySource.Listener() {
      @Override
      public void document(String json) {
        events.add(() -> received(json));
      }

      @Override
      public void absent() {
        events.add(() -> received(null));
      }

      @Override
      public void trouble(String problem) {
        events.add(() -> sourceTrouble(problem));
      }
    });
    log.atInfo().addKeyValue("node", options.node()).addKeyValue("policy", source.describe())
        .addKeyValue("probePort", options.probePort()).log("node agent running");
  }

  private void run() {
    while (!stopping) {
      try {
        Runnable event = events.poll(TICK.toMillis(), TimeUnit.MILLISECONDS);
        if (event != null) {
          event.run();
          Runnable more;
          while ((more = events.poll()) != null) {
            more.run();
          }
        }
        if (stopping) {
          return;
        }
        tick();
        converge();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.atError().setCause(e).log("node agent step failed; going on");
      }
    }
  }

  /** A document (null: none) from the source. */
  private void received(String json) {
    if (Objects.equals(json, lastText) && wanted != null) {
      return;
    }
    lastText = json;
    NodePolicy next;
    if (json == null) {
      next = NodePolicy.closed(options.node());
    } else {
      try {
        next = NodePolicyCodec.parse(json);
      } catch (ConfigException e) {
        refuse(e.getMessage());
        return;
      }
      if (!next.node().equals(options.node())) {
        refuse("node policy: written for node '" + next.node() + "', this is '" + options.node() + "'");
        return;
      }
    }
    lastSourceTrouble = null;
    if (!next.equals(wanted)) {
      wanted = next;
      dirty = true;
      retryAtNanos = System.nanoTime();
      retryDelay = Duration.ofSeconds(1);
    }
  }

  private void refuse(String problem) {
    updatesRejected.incrementAndGet();
    log.atWarn().addKeyValue("reason", problem).log("node policy refused; the running one stays");
    View current = view;
    String kept = inForce == null ? "" : " (the previous one is in force)";
    view = new View(current.inForce(), "policy refused: " + problem + kept, false, current.lastApplySeconds());
  }

  private void sourceTrouble(String problem) {
    if (!problem.equals(lastSourceTrouble)) {
      lastSourceTrouble = problem;
      if (inForce == null) {
        View current = view;
        view = new View(null, "cannot read the policy: " + problem, false, current.lastApplySeconds());
      }
    }
  }

  /** Gate interfaces come and go; the steering is converged again now and then. */
  private void tick() {
    SortedSet<String> found = new TreeSet<>(options.gateInterfaces());
    found.addAll(host.gateInterfaces());
    if (!found.equals(gateInterfaces)) {
      log.atInfo().addKeyValue("gateInterfaces", found).log("gate agent interfaces changed");
      gateInterfaces = found;
      dirty = true;
    }
    removeLongDetached(found);
    if (inForce != null && System.nanoTime() - resyncAtNanos >= 0) {
      dirty = true;
    }
  }

  private void removeLongDetached(Set<String> gates) {
    if (options.removeDetachedAfter().isZero()) {
      return;
    }
    Set<String> due = longDetached.due(host.detachedGateInterfaces(), System.nanoTime());
    if (!due.isEmpty()) {
      Set<String> keep = new TreeSet<>(gates);
      keep.removeAll(due);
      List<String> removed = host.removeDetachedGateInterfaces(keep);
      if (!removed.isEmpty()) {
        log.atInfo().addKeyValue("removed", removed).addKeyValue("detachedFor", options.removeDetachedAfter())
            .log("removed gate interfaces no agent held");
      }
    }
  }

  private void converge() {
    if (wanted == null) {
      return;
    }
    boolean retryDue = System.nanoTime() - retryAtNanos >= 0;
    if (dirty && retryDue) {
      applyAll();
    } else if (routesDirty && !dirty && inForce != null) {
      applyRoutes();
    }
  }

  /** Everything: the table (only when its text changed), the steering device and its entries, the routes. */
  private void applyAll() {
    long started = System.nanoTime();
    NodePolicy policy = wanted;
    try {
      String table = NodeRuleset.render(policy, context());
      if (!table.equals(appliedTable)) {
        applyTable(table);
      }
      Map<Ipv4, String> gates = gateNames(policy);
      host.converge(SteeringPlan.desired(policy, probes.carrying(gates.keySet())));
      probes.gates(gates); // probing needs the routes to the gates: only now
    } catch (IOException e) {
      failed(e);
      return;
    }
    boolean changed = !policy.equals(inForce);
    inForce = policy;
    dirty = false;
    routesDirty = false;
    retryDelay = Duration.ofSeconds(1);
    resyncAtNanos = System.nanoTime() + RESYNC.toNanos();
    double seconds = (System.nanoTime() - started) / 1e9;
    if (changed) {
      updatesApplied.incrementAndGet();
      log.atInfo().addKeyValue("accessEntries", accessEntries(policy)).addKeyValue("gates", probes.carrying().size())
          .addKeyValue("exposures", policy.exposures().size()).addKeyValue("seconds", String.format("%.3f", seconds))
          .log("node policy applied");
    }
    view = new View(policy, readyReason(policy), true, seconds);
  }

  private void applyTable(String table) throws IOException {
    if (appliedTable != null) {
      try {
        host.nft(NodeRuleset.updateScript(table));
        appliedTable = table;
        return;
      } catch (IOException e) {
        // the table is not (all) ours any more: replace it whole below
      }
    }
    host.nft(NodeRuleset.replaceScript(table));
    appliedTable = table;
  }

  /** Only the routes: a gate started or stopped carrying traffic. */
  private void applyRoutes() {
    try {
      host.routes(SteeringPlan.desired(inForce, probes.carrying()));
      routesDirty = false;
      View current = view;
      // Not ready says why (a refused document, trouble reading, a retry): a gate's change does not change that.
      view = current.ready() ? new View(inForce, readyReason(inForce), true, current.lastApplySeconds())
          : new View(inForce, current.reason(), false, current.lastApplySeconds());
    } catch (IOException e) {
      dirty = true; // converge everything again
      failed(e);
    }
  }

  private void failed(IOException e) {
    log.atWarn().addKeyValue("reason", e.getMessage()).addKeyValue("retryIn", retryDelay)
        .log("node policy not applied; retrying");
    retryAtNanos = System.nanoTime() + retryDelay.toNanos();
    retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retryDelay.multipliedBy(2);
    View current = view;
    view = new View(current.inForce(), "policy not applied yet, retrying (" + e.getMessage() + ")", false,
        current.lastApplySeconds());
  }

  private String readyReason(NodePolicy policy) {
    return "policy in force: " + accessEntries(policy) + " access entries, " + probes.carrying().size() + "/"
        + SteeringPlan.gates(policy).size() + " gates answer, " + policy.exposures().size() + " exposures";
  }

  private NodeRuleset.Context context() {
    return new NodeRuleset.Context(SteeringPlan.DEVICE, gateInterfaces, options.probePort(), options.adminPorts());
  }

  private static Map<Ipv4, String> gateNames(NodePolicy policy) {
    Map<Ipv4, String> names = new TreeMap<>();
    SteeringPlan.gates(policy).forEach(gate -> names.put(gate.innerAddress(), gate.node()));
    return names;
  }

  static long accessEntries(NodePolicy policy) {
    return policy.access().stream().mapToLong(a -> (long) a.sources().size() * a.destinations().size()).sum();
  }

  Health ready() {
    View current = view;
    return new Health(current.ready(), current.reason());
  }

  Health live() {
    Thread thread = control;
    boolean alive = thread != null && thread.isAlive();
    return new Health(alive, alive ? "control thread runs" : "control thread stopped");
  }

  /** Everything /metrics and /status show, read now. */
  NodeMetrics.Sample sample() {
    View current = view;
    return new NodeMetrics.Sample(current, ready(), updatesApplied.get(), updatesRejected.get(), host.counters(),
        current.inForce() == null ? Map.of() : OwnerCounters.names(current.inForce()), probes.stats(),
        probes.answered(), gateInterfaces, source.describe());
  }

  /**
   * Stops reading and applying; with {@code teardown}, removes everything the node agent made (nftables table,
   * steering device, routes) and gate agents' interfaces no process holds: the last stop (no successor) comes when the
   * last GatePeer is deleted, and an interface its agent, killed, left for a successor has no successor to wait for.
   * Idempotent.
   */
  synchronized void stop(boolean teardown) {
    if (stopping) {
      return;
    }
    stopping = true;
    view = new View(view.inForce(), "stopping", false, view.lastApplySeconds());
    source.close();
    if (control != null) {
      control.interrupt();
      try {
        control.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (probes != null) {
      probes.close();
    }
    if (teardown) {
      List<String> removed = new ArrayList<>(host.removeAll());
      removed.addAll(host.removeDetachedGateInterfaces(Set.of()));
      log.atInfo().addKeyValue("removed", removed).log("node agent removed what it made");
    }
  }
}
