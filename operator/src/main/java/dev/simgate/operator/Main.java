package dev.simgate.operator;

import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.render.AgentImage;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code java -jar simgate-operator.jar}: connects with KUBECONFIG or in-cluster config and runs until SIGTERM. */
@Command(name = "simgate-operator", mixinStandardHelpOptions = true,
    description = "Reconciles VirtualPrivateGateway, GatePeer and DeviceSubnet into gate peers.")
public final class Main implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  @Option(names = "--namespace", paramLabel = "NS",
      defaultValue = "${env:POD_NAMESPACE:-" + OperatorSettings.DEFAULT_NAMESPACE + "}",
      description = "Namespace of the agent DaemonSets, ConfigMaps and RBAC (default: env POD_NAMESPACE, else ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--leader-election", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Reconcile only while holding a Lease in the namespace, so more replicas can stand by"
          + " (default ${DEFAULT-VALUE}; --no-leader-election for a single replica without a Lease).")
  boolean leaderElection;

  @Option(names = "--lease-name", paramLabel = "NAME", defaultValue = "simgate-operator",
      description = "Name of that Lease (default ${DEFAULT-VALUE}); the holder's identity is the pod name (HOSTNAME).")
  String leaseName;

  @Option(names = "--http-port", paramLabel = "PORT", defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics (default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--agent-image", paramLabel = "IMAGE",
      defaultValue = "${env:SIMGATE_AGENT_IMAGE:-simgate/agent:0.1.0}",
      description = "Agent image of GatePeers that name none (default: env SIMGATE_AGENT_IMAGE, else ${DEFAULT-VALUE}).")
  String agentImage;

  @Option(names = "--agent-image-pull-policy", paramLabel = "POLICY",
      defaultValue = "${env:SIMGATE_AGENT_IMAGE_PULL_POLICY}",
      description = "Pull policy that goes with --agent-image (default: env SIMGATE_AGENT_IMAGE_PULL_POLICY, else the"
          + " Kubernetes default).")
  String agentImagePullPolicy;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    CountDownLatch stopped = new CountDownLatch(1);
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        SimGateOperator operator = new SimGateOperator(client, new OperatorSettings(namespace,
            new AgentImage(agentImage, blankToNull(agentImagePullPolicy)), Clock.systemUTC()),
            new ReconcileMetrics(registry),
            // Losing the Lease ends the process (JOSDK's default), so a deposed leader never reconciles again.
            leaderElection ? new LeaderElectionConfiguration(leaseName, namespace) : null);
        HttpEndpoints http = new HttpEndpoints(httpPort, () -> true,
            () -> operator.runtimeInfo().isStarted() && operator.runtimeInfo().allEventSourcesAreHealthy(), registry)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "shutdown"));
      operator.start();
      LOG.atInfo().addKeyValue("server", client.getMasterUrl()).addKeyValue("namespace", namespace)
          .addKeyValue("httpPort", http.port()).log("simgate operator started");
      stopped.await();
      LOG.info("simgate operator stopping");
    }
    return 0;
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
