package dev.simgate.agent.node;

import dev.simgate.agent.admin.AdminServer;
import dev.simgate.agent.admin.Health;
import dev.simgate.contract.nodepolicy.NodePolicy;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar simgate-agent.jar node ...}: the node agent, until SIGTERM (then it removes what it made). */
@Command(name = "node", mixinStandardHelpOptions = true,
    description = "Node agent: applies this node's NodePolicy (access, steering to the gate nodes, exposures).")
public final class NodeCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(NodeCommand.class);

  @Option(names = "--node", paramLabel = "NAME", defaultValue = "${env:NODE_NAME}",
      description = "This node's name (default: env NODE_NAME)")
  String node;

  @Option(names = "--namespace", paramLabel = "NS", defaultValue = "${env:POD_NAMESPACE}",
      description = "Namespace of the policy ConfigMap (default: env POD_NAMESPACE, the operator's)")
  String namespace;

  @Option(names = "--config-map", paramLabel = "NAME",
      description = "The node's own policy ConfigMap (default: simgate-node-<node>), joined with the steering table"
          + " (ConfigMap simgate-steering-table)")
  String configMap;

  @Option(names = "--policy-file", paramLabel = "FILE",
      description = "Read the whole policy (NodePolicy JSON, the steering table in it) from this file instead of the"
          + " API (polled)")
  Path policyFile;

  @Option(names = "--api-server", paramLabel = "URL",
      description = "API server (default: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT)")
  URI apiServer;

  @Option(names = "--token-file", paramLabel = "FILE",
      defaultValue = "/var/run/secrets/kubernetes.io/serviceaccount/token",
      description = "Service-account token, read again for every request (default: ${DEFAULT-VALUE})")
  Path tokenFile;

  @Option(names = "--ca-file", paramLabel = "FILE",
      defaultValue = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
      description = "CA of the API server (default: ${DEFAULT-VALUE})")
  Path caFile;

  @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9466",
      description = "/healthz /readyz /metrics /status (default: ${DEFAULT-VALUE})")
  String admin;

  @Option(names = "--metrics", paramLabel = "HOST:PORT", defaultValue = "0.0.0.0:9467",
      description = "Read-only /metrics and /status for a scraper; 'none' for none (default: ${DEFAULT-VALUE})")
  String metrics;

  @Option(names = "--probe-port", paramLabel = "PORT", defaultValue = "9468",
      description = "UDP port of the gate liveness probes on the steering network (default: ${DEFAULT-VALUE})")
  int probePort;

  @Option(names = "--probe-interval", paramLabel = "DURATION", defaultValue = "PT0.5S",
      description = "Time between probes of each gate (default: ${DEFAULT-VALUE})")
  Duration probeInterval;

  @Option(names = "--probe-failures", paramLabel = "N", defaultValue = "3",
      description = "Unanswered probes in a row after which a gate gets no more traffic (default: ${DEFAULT-VALUE})")
  int probeFailures;

  @Option(names = "--gate-interface", paramLabel = "NAME", defaultValue = "simgate0",
      description = "A gate agent's interface name to guard even before it exists (repeatable; default:"
          + " ${DEFAULT-VALUE}); running gate agents' interfaces are found by their alias")
  List<String> gateInterfaces;

  @Option(names = "--reload-interval", paramLabel = "DURATION", defaultValue = "PT1S",
      description = "How often --policy-file is read (default: ${DEFAULT-VALUE})")
  Duration reloadInterval;

  @Option(names = "--remove-detached-after", paramLabel = "DURATION", defaultValue = "PT10M",
      description = "Removes a gate agent's interface that no process held for this long (an agent killed, whose"
          + " GatePeer went meanwhile); longer than the kubelet's crash back-off; PT0S: only at the last stop"
          + " (default: ${DEFAULT-VALUE})")
  Duration removeDetachedAfter;

  @Option(names = "--handover-wait", paramLabel = "DURATION", defaultValue = "PT0S",
      description = "On SIGTERM, how long a successor started meanwhile may take the node over before everything is"
          + " removed (default: ${DEFAULT-VALUE}; the DaemonSet sets PT10S)")
  Duration handoverWait;

  @Override
  public Integer call() throws Exception {
    if (node == null || node.isBlank()) {
      System.err.println("simgate-agent node: no node name (--node or env NODE_NAME)");
      return 2;
    }
    if (removeDetachedAfter.isNegative()) {
      System.err.println("simgate-agent node: --remove-detached-after must not be negative");
      return 2;
    }
    if (probeFailures < 1 || probeInterval.isNegative() || probeInterval.isZero()) {
      System.err.println("simgate-agent node: --probe-failures must be at least 1 and --probe-interval positive");
      return 2;
    }
    InetSocketAddress adminAddress = hostPort(admin, "--admin");
    InetSocketAddress metricsAddress = "none".equals(metrics) ? null : hostPort(metrics, "--metrics");
    if (adminAddress == null || (!"none".equals(metrics) && metricsAddress == null)) {
      return 2;
    }
    PolicySource source;
    try {
      source = source();
    } catch (IllegalStateException | IOException e) {
      System.err.println("simgate-agent node: " + e.getMessage());
      return 2;
    }
    List<Integer> adminPorts = metricsAddress == null ? List.of(adminAddress.getPort())
        : List.of(adminAddress.getPort(), metricsAddress.getPort());
    KernelNodeHost host = new KernelNodeHost();
    NodeAgent agent = new NodeAgent(new NodeAgent.Options(node, probePort, probeInterval, probeFailures, adminPorts,
        Set.copyOf(gateInterfaces), removeDetachedAfter), source, host, new LocalGateCheck());
    AdminServer[] server = new AdminServer[1];
    NodeHandover.Server handover;
    try {
      boolean adopting = NodeHandover.takeOver(host);
      if (adopting) {
        log.atInfo().log("took the node over from the running node agent");
      }
      agent.start(adopting);
      server[0] = openAdmin(adminAddress, metricsAddress, agent);
      handover = NodeHandover.Server.listen(host, () -> {
        server[0].close(); // the successor binds the same ports
        agent.stop(false);
      });
    } catch (IOException | RuntimeException e) {
      agent.stop(false);
      if (server[0] != null) {
        server[0].close();
      }
      System.err.println("simgate-agent node: failed to start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("shutdown").unstarted(() -> {
      stop(agent, server[0], handover);
      stopped.countDown();
    }));
    stopped.await();
    return 0;
  }

  /** SIGTERM: a successor may take over within {@code --handover-wait}; otherwise everything is removed. */
  private void stop(NodeAgent agent, AdminServer server, NodeHandover.Server handover) {
    try {
      if (!handover.handedOver() && !handoverWait.isZero()) {
        log.atInfo().addKeyValue("wait", handoverWait).log("stopping: a successor may take over meanwhile");
        handover.awaitHandover(handoverWait);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    handover.close();
    if (handover.handedOver()) {
      return; // the successor runs the node now
    }
    log.atInfo().log("stopping");
    server.close();
    agent.stop(true);
  }

  /** The admin endpoints; a predecessor that just handed over freed their ports a moment ago. */
  private static AdminServer openAdmin(InetSocketAddress admin, InetSocketAddress metrics, NodeAgent agent)
      throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      try {
        return new AdminServer(admin, metrics, content(agent));
      } catch (java.net.BindException e) {
        if (System.nanoTime() - deadline > 0) {
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

  private PolicySource source() throws IOException {
    if (policyFile != null) {
      return new PolicyFile(policyFile, reloadInterval);
    }
    if (namespace == null || namespace.isBlank()) {
      throw new IllegalStateException("no namespace for the policy ConfigMap (--namespace or env POD_NAMESPACE)");
    }
    KubeApi api = new KubeApi(apiServer != null ? apiServer : KubeApi.inClusterServer(), tokenFile, caFile);
    return new TableJoin(
        new ConfigMapWatch(api, namespace, configMap != null ? configMap : ConfigMapWatch.configMapName(node)),
        new ConfigMapWatch(api, namespace, NodePolicy.TABLE_CONFIG_MAP));
  }

  private static AdminServer.Content content(NodeAgent agent) {
    return new AdminServer.Content() {
      @Override
      public Health live() {
        return agent.live();
      }

      @Override
      public Health ready() {
        return agent.ready();
      }

      @Override
      public MetricSnapshots metrics() {
        return NodeMetrics.snapshots(agent.sample());
      }

      @Override
      public byte[] status() {
        return NodeMetrics.status(agent.sample());
      }
    };
  }

  private static InetSocketAddress hostPort(String text, String option) {
    int colon = text.lastIndexOf(':');
    try {
      if (colon > 0) {
        return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    System.err.println("simgate-agent node: " + option + ": '" + text + "' is not host:port");
    return null;
  }
}
