package dev.simgate.operator;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.client.WriteRate;
import dev.simgate.operator.client.WriteRateInterceptor;
import dev.simgate.operator.api.v1alpha1.OuterAddress;
import dev.simgate.operator.policy.PolicySettings;
import dev.simgate.operator.render.AgentImage;
import dev.simgate.operator.validation.AgentImagePolicy;
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

  @Option(names = "--allowed-agent-images", paramLabel = "PATTERNS",
      defaultValue = "${env:SIMGATE_ALLOWED_AGENT_IMAGES}",
      description = "Comma-separated agent images a GatePeer may name in spec.agent.image besides --agent-image: exact"
          + " references, or prefixes ending in '*' (default: env SIMGATE_ALLOWED_AGENT_IMAGES, else none). The agent"
          + " runs with NET_ADMIN on the host network of the nodes a GatePeer selects.")
  String allowedAgentImages;

  @Option(names = "--cluster-cidrs", paramLabel = "CIDRS", defaultValue = "${env:SIMGATE_CLUSTER_CIDRS}",
      description = "Comma-separated pod and Service ranges of the cluster that SimGate must never route, in addition"
          + " to Node spec.podCIDRs and ServiceCIDR objects (default: env SIMGATE_CLUSTER_CIDRS, else none).")
  String clusterCidrs;

  @Option(names = "--resync-interval", paramLabel = "DURATION", defaultValue = "${env:SIMGATE_RESYNC_INTERVAL:-5m}",
      description = "Reconcile every resource at least this often, e.g. 30s, 5m, 1h (default: env"
          + " SIMGATE_RESYNC_INTERVAL, else ${DEFAULT-VALUE}).")
  String resyncInterval;

  @Option(names = "--max-routes-per-vpg", paramLabel = "N", defaultValue = "${env:SIMGATE_MAX_ROUTES_PER_VPG:-1024}",
      description = "CIDRs the DeviceSubnets of one VPG may route in total (default: env SIMGATE_MAX_ROUTES_PER_VPG,"
          + " else ${DEFAULT-VALUE}).")
  int maxRoutesPerVpg;

  @Option(names = "--max-endpoints-per-slice", paramLabel = "N",
      defaultValue = "${env:SIMGATE_MAX_ENDPOINTS_PER_SLICE:-1000}",
      description = "Devices per EndpointSlice of a DeviceSubnet, 1..1000 (default: env SIMGATE_MAX_ENDPOINTS_PER_SLICE,"
          + " else ${DEFAULT-VALUE}): fewer objects with more, smaller writes per change with fewer.")
  int endpointsPerSlice;

  @Option(names = "--max-nodes-per-gatepeer", paramLabel = "N",
      defaultValue = "${env:SIMGATE_MAX_NODES_PER_GATEPEER:-5000}",
      description = "Nodes one GatePeer may select; more are refused with TooManyNodes (default: env"
          + " SIMGATE_MAX_NODES_PER_GATEPEER, else ${DEFAULT-VALUE}).")
  int maxNodesPerGatePeer;

  @Option(names = "--kube-api-qps", paramLabel = "N", defaultValue = "${env:SIMGATE_KUBE_API_QPS:-100}",
      description = "Writes per second to the API server once the burst is spent (default: env SIMGATE_KUBE_API_QPS,"
          + " else ${DEFAULT-VALUE}); reconciles wait for their turn. Reads come from informer caches.")
  double kubeApiQps;

  @Option(names = "--kube-api-burst", paramLabel = "N", defaultValue = "${env:SIMGATE_KUBE_API_BURST:-200}",
      description = "Writes to the API server allowed at once before --kube-api-qps applies (default: env"
          + " SIMGATE_KUBE_API_BURST, else ${DEFAULT-VALUE}).")
  int kubeApiBurst;

  @Option(names = "--reconcile-threads", paramLabel = "N",
      defaultValue = "${env:SIMGATE_RECONCILE_THREADS:-" + OperatorSettings.DEFAULT_RECONCILE_THREADS + "}",
      description = "Reconciles that run at once (default: env SIMGATE_RECONCILE_THREADS, else ${DEFAULT-VALUE}).")
  int reconcileThreads;
  @Option(names = "--steering-pool", paramLabel = "CIDR",
      defaultValue = "${env:SIMGATE_STEERING_POOL:-" + PolicySettings.DEFAULT_POOL + "}",
      description = "Addresses of the nodes on the steering VXLAN that carries pods' traffic to the gate nodes, one per"
          + " node; must not overlap the cluster's ranges nor a VPG's device subnet (default: env SIMGATE_STEERING_POOL,"
          + " else ${DEFAULT-VALUE}).")
  String steeringPool;

  @Option(names = "--steering-vni", paramLabel = "VNI",
      defaultValue = "${env:SIMGATE_STEERING_VNI:-" + PolicySettings.DEFAULT_VNI + "}",
      description = "VNI of the steering VXLAN (default: env SIMGATE_STEERING_VNI, else ${DEFAULT-VALUE}).")
  int steeringVni;

  @Option(names = "--steering-port", paramLabel = "PORT",
      defaultValue = "${env:SIMGATE_STEERING_PORT:-" + PolicySettings.DEFAULT_PORT + "}",
      description = "UDP port of the steering VXLAN between the nodes (default: env SIMGATE_STEERING_PORT, else"
          + " ${DEFAULT-VALUE}).")
  int steeringPort;

  @Option(names = "--steering-mtu", paramLabel = "MTU",
      defaultValue = "${env:SIMGATE_STEERING_MTU:-" + PolicySettings.DEFAULT_MTU + "}",
      description = "MTU of the steering device: the underlay MTU - 50 (default: env SIMGATE_STEERING_MTU, else"
          + " ${DEFAULT-VALUE}).")
  int steeringMtu;

  @Option(names = "--node-underlay-address", paramLabel = "SOURCE",
      defaultValue = "${env:SIMGATE_NODE_UNDERLAY_ADDRESS:-InternalIP}",
      description = "Where a node's underlay address for the steering VXLAN comes from: InternalIP, ExternalIP or"
          + " annotation:<key> (default: env SIMGATE_NODE_UNDERLAY_ADDRESS, else ${DEFAULT-VALUE}).")
  String nodeUnderlayAddress;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    OperatorSettings settings = settings();
    PrometheusRegistry registry = new PrometheusRegistry();
    CountDownLatch stopped = new CountDownLatch(1);
    WriteRate writeRate = writeRate();
    try (KubernetesClient client = new KubernetesClientBuilder()
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor(WriteRateInterceptor.NAME,
            new WriteRateInterceptor(writeRate, registry)))
        .build()) {
      Optional<String> missing = Preflight.problem(client, namespace);
      if (missing.isPresent()) {
        LOG.error(missing.get());
        return 1;
      }
      run(client, settings, registry, stopped);
    }
    return 0;
  }

  private void run(KubernetesClient client, OperatorSettings settings, PrometheusRegistry registry,
      CountDownLatch stopped) throws Exception {
    try (SimGateOperator operator = new SimGateOperator(client, settings, new ReconcileMetrics(registry),
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
  }

  private OperatorSettings settings() {
    AgentImage image = new AgentImage(agentImage, blankToNull(agentImagePullPolicy));
    try {
      return new OperatorSettings(namespace, image, Clock.systemUTC())
          .withAllowedImages(AgentImagePolicy.of(agentImage, allowedAgentImages))
          .withClusterCidrs(cidrs(clusterCidrs))
          .withTiming(new ReconcileTiming(duration(resyncInterval), ReconcileTiming.DEFAULT.retryAttempts(),
              ReconcileTiming.DEFAULT.firstRetry()))
          .withLimits(Limits.DEFAULT.withRoutesPerVpg(maxRoutesPerVpg).withEndpointsPerSlice(endpointsPerSlice)
              .withNodesPerGatePeer(maxNodesPerGatePeer))
          .withReconcileThreads(reconcileThreads)
          .withPolicy(new PolicySettings(steeringPool(steeringPool), steeringVni, steeringPort, steeringMtu,
              underlay(nodeUnderlayAddress)));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private WriteRate writeRate() {
    try {
      return new WriteRate(kubeApiQps, kubeApiBurst);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--kube-api-qps/--kube-api-burst: " + e.getMessage(),
          e);
    }
  }

  static List<Cidr> cidrs(String list) {
    List<Cidr> cidrs = new ArrayList<>();
    if (list != null) {
      for (String text : list.split(",")) {
        if (!text.isBlank()) {
          Cidr cidr = Cidr.parseOrNull(text.strip());
          if (cidr == null) {
            throw new IllegalArgumentException("--cluster-cidrs: '" + text.strip() + "' is not an IPv4 CIDR");
          }
          cidrs.add(cidr.network());
        }
      }
    }
    return cidrs;
  }

  static Cidr steeringPool(String text) {
    Cidr pool = Cidr.parseOrNull(text.strip());
    if (pool == null) {
      throw new IllegalArgumentException("--steering-pool: '" + text.strip() + "' is not an IPv4 CIDR");
    }
    return pool;
  }

  /** InternalIP, ExternalIP or annotation:<key>. */
  static OuterAddress underlay(String text) {
    String value = text.strip();
    if (value.startsWith("annotation:") && value.length() > "annotation:".length()) {
      return new OuterAddress(OuterAddress.Source.Annotation, value.substring("annotation:".length()));
    }
    for (OuterAddress.Source source : List.of(OuterAddress.Source.InternalIP, OuterAddress.Source.ExternalIP)) {
      if (source.name().equals(value)) {
        return new OuterAddress(source, null);
      }
    }
    throw new IllegalArgumentException("--node-underlay-address: '" + value
        + "' is not InternalIP, ExternalIP or annotation:<key>");
  }

  /** 30s, 5m, 1h, or an ISO-8601 duration (PT5M). */
  static Duration duration(String text) {
    String value = text.strip();
    try {
      if (value.matches("\\d+[smh]")) {
        long amount = Long.parseLong(value.substring(0, value.length() - 1));
        return switch (value.charAt(value.length() - 1)) {
          case 's' -> Duration.ofSeconds(amount);
          case 'm' -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        };
      }
      return Duration.parse(value);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("--resync-interval: '" + text + "' is not a duration such as 30s, 5m or 1h");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value;
  }
}
