package dev.simgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.lab.Lab;
import dev.simgate.testkit.Command;
import dev.simgate.testkit.ImageArchives;
import dev.simgate.testkit.KubeCluster;
import dev.simgate.testkit.KubeNode;
import dev.simgate.testkit.WithKubeCluster;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * SimGate as a user runs it: the images built from this repository, installed with Helm on a cluster of real nodes
 * (node-1 a gate node, node-2 a plain node), against two kernel-VXLAN VPGs of the namespace lab on the nodes' network,
 * each with a SIM behind it. The steps build on each other (install, resources, traffic, removal), because a cluster
 * of real nodes is too costly to start per test; each step asserts one behaviour.
 */
@WithKubeCluster(nodes = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SimGateOnRealNodesIT {

  private static final String GATE_NODE = "node-1";
  private static final String PLAIN_NODE = "node-2";
  private static final String SYSTEM = "simgate-system";
  private static final String TENANT = "factory";
  private static final String SUBNET = "lab-sims";
  private static final String SIM1 = Lab.SIM1; // behind VPG peer 1
  private static final String SIM2 = Lab.SIM2; // behind VPG peer 2
  private static final Duration READY = Duration.ofMinutes(4);
  private static final String AGENT_PODS = "app.kubernetes.io/name=simgate-agent";

  private static Lab lab;
  private static Kubectl kubectl;

  @BeforeAll
  static void images(KubeCluster cluster) throws IOException {
    cluster.importImages(Kubectl.IMAGES.resolve("simgate-operator.tar"), Kubectl.IMAGES.resolve("simgate-agent.tar"));
    kubectl = new Kubectl(cluster);
    lab = Lab.up(Lab.Options.agent(2).onUnderlay(cluster.underlayNetns(), cluster.underlayBridge(),
        List.of(cluster.node(GATE_NODE).address())));
    kubectl.run("label", "node", GATE_NODE, "simgate.dev/gate=true");
  }

  @AfterAll
  static void lab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void helmInstallsTheOperatorWhichBecomesReadyAndLeads(KubernetesClient client) {
    kubectl.run("create", "namespace", SYSTEM);
    kubectl.run("label", "namespace", SYSTEM, "pod-security.kubernetes.io/enforce=privileged");
    kubectl.helm("install", "simgate", Kubectl.CHART.toString(), "--namespace", SYSTEM, "--wait", "--timeout", "5m");

    Pod operator = onlyPod(client, SYSTEM, "app.kubernetes.io/component=operator");
    assertThat(operator.getSpec().getContainers().getFirst().getImage()).isEqualTo(imageOf("simgate-operator.tar"));
    await().atMost(READY).untilAsserted(() -> assertThat(client.leases().inNamespace(SYSTEM)
        .withName("simgate-operator").get().getSpec().getHolderIdentity())
        .as("the operator pod holds the leader Lease").isEqualTo(operator.getMetadata().getName()));
  }

  @Test
  @Order(2)
  void aGatePeerRunsTheAgentOnTheGateNodeWithOnlyNetAdmin(KubeCluster cluster, KubernetesClient client) {
    kubectl.apply(vpg() + "---\n" + gatePeer());
    kubectl.run("create", "namespace", TENANT);
    kubectl.run("label", "namespace", TENANT, "simgate.dev/iot=true");
    kubectl.apply(deviceSubnet());
    kubectl.result(READY, "wait", "--for=condition=Ready", "--timeout=" + READY.toSeconds() + "s",
        "virtualprivategateway/lab-vpg", "gatepeer/lab").requireSuccess();
    kubectl.result(READY, "-n", TENANT, "wait", "--for=condition=Ready", "--timeout=60s", "devicesubnet/lab-sims")
        .requireSuccess();

    Pod agent = onlyPod(client, SYSTEM, AGENT_PODS);
    assertThat(agent.getSpec().getNodeName()).isEqualTo(GATE_NODE);
    assertThat(agent.getSpec().getHostNetwork()).isTrue();
    Container container = agent.getSpec().getContainers().getFirst();
    assertThat(container.getImage()).isEqualTo(imageOf("simgate-agent.tar"));
    assertThat(container.getSecurityContext().getPrivileged()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(agent.getStatus().getContainerStatuses().getFirst().getReady()).isTrue();

    Map<String, Object> node = gatePeerNode(client);
    assertThat(node).containsEntry("name", GATE_NODE).containsEntry("ready", true)
        .containsEntry("outerAddress", cluster.node(GATE_NODE).address());
    assertThat(cluster.node(GATE_NODE).exec("ip", "-4", "-o", "addr", "show", "dev", "simgate0").requireSuccess())
        .as("the TAP device the agent opened through /dev/net/tun").contains(node.get("innerAddress") + "/9");
    assertThat(vpgStatus(client)).containsEntry("readyNodes", 1);
    assertThat(cluster.node(PLAIN_NODE).exec("ip", "link", "show", "simgate0").succeeded()).as("no agent on node-2")
        .isFalse();
  }

  @Test
  @Order(3)
  void aPodOnTheGateNodeReachesSimsByAddress() {
    kubectl.toolboxPod(TENANT, "telemetry", GATE_NODE, "app: telemetry", "sleep 3600");
    // A new pod may reach the SIMs once its node's access rules have its address (a few hundred ms after it is Ready;
    // until then its packets are refused at the node, as the traffic policy says).
    await().atMost(Duration.ofSeconds(30)).until(() -> kubectl.exec(TENANT, "telemetry", "ping", "-c", "1", "-W", "1",
        SIM1).exitCode() == 0);
    for (String sim : List.of(SIM1, SIM2)) {
      assertThat(kubectl.exec(TENANT, "telemetry", "ping", "-c", "3", "-W", "2", sim).requireSuccess())
          .as("ping %s", sim).contains("3 packets received");
    }
    assertEchoThroughSim("telemetry", SIM1, SIM1);
    assertEchoThroughSim("telemetry", SIM2, SIM2);
  }

  @Test
  @Order(4)
  void aPodResolvesSimsByNameThroughCoreDns() {
    for (var sim : Map.of("sim-1", SIM1, "sim-2", SIM2).entrySet()) {
      // <device>.<devicesubnet>.<namespace>.svc: the DeviceSubnet's headless Service and its EndpointSlice hostnames.
      String name = sim.getKey() + "." + SUBNET + "." + TENANT + ".svc.cluster.local";
      assertThat(kubectl.exec(TENANT, "telemetry", "nslookup", name).requireSuccess()).as(name)
          .contains("Address: " + sim.getValue());
      assertThat(kubectl.exec(TENANT, "telemetry", "ping", "-c", "2", "-W", "2", sim.getKey() + "." + SUBNET)
          .requireSuccess()).as("ping by <device>.<devicesubnet> (the pod's search path)")
          .contains("(" + sim.getValue() + ")");
      // <device>.<namespace>.svc: the opt-in per-device Services (spec.perDeviceServices), SimGate 0.1's names.
      String shortName = sim.getKey() + "." + TENANT + ".svc.cluster.local";
      assertThat(kubectl.exec(TENANT, "telemetry", "nslookup", shortName).requireSuccess()).as(shortName)
          .contains("Address: " + sim.getValue());
    }
    assertEchoThroughSim("telemetry", "sim-2." + SUBNET + "." + TENANT + ".svc.cluster.local", SIM2);

    // Without the opt-in the short names go; the DeviceSubnet's names stay.
    kubectl.run("-n", TENANT, "patch", "devicesubnet", SUBNET, "--type=merge", "-p",
        "{\"spec\":{\"perDeviceServices\":false}}");
    await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(kubectl.exec(TENANT, "telemetry",
        "nslookup", "sim-1." + TENANT + ".svc.cluster.local").succeeded()).as("sim-1." + TENANT + ".svc").isFalse());
    assertThat(kubectl.exec(TENANT, "telemetry", "nslookup", "sim-1." + SUBNET + "." + TENANT + ".svc.cluster.local")
        .requireSuccess()).contains("Address: " + SIM1);
  }

  @Test
  @Order(5)
  void aSimReachesTheGateNodesInnerAddress(KubernetesClient client) throws IOException {
    String inner = (String) gatePeerNode(client).get("innerAddress");
    assertThat(lab.exec("sim1", "ping", "-c", "3", "-W", "2", inner).ok()).as("sim1 -> %s", inner).isTrue();
    assertThat(lab.exec("sim2", "ping", "-c", "3", "-W", "2", inner).ok()).as("sim2 -> %s", inner).isTrue();
  }

  @Test
  @Order(6)
  void theAgentCannotRunWithoutNetAdmin(KubeCluster cluster, KubernetesClient client) {
    // The agent's own pod spec (image, volumes, probes), on the plain node, without NET_ADMIN and with a config of
    // its own: it must stop at once with a reason that names the missing capability.
    String config = """
        vni: 10
        port: 4789
        localAddress: %s
        peers: [%s]
        interface: {name: simgate0, address: 10.255.254.1/9}
        routes: []
        admin: {listen: 127.0.0.1:9464}
        """.formatted(cluster.node(PLAIN_NODE).address(), Lab.VPG1_OUTER);
    client.configMaps().inNamespace(SYSTEM).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
        .withNewMetadata().withName("no-net-admin").endMetadata()
        .withData(Map.of("agent.yaml", config)).build()).create();
    Pod agent = onlyPod(client, SYSTEM, AGENT_PODS);
    Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder()
        .withNewMetadata().withName("agent-without-net-admin").withNamespace(SYSTEM).endMetadata()
        .withSpec(agent.getSpec()).build();
    pod.getSpec().setNodeName(PLAIN_NODE);
    pod.getSpec().setAffinity(null); // the DaemonSet pins its pods to their nodes, the GatePeer to gate nodes
    pod.getSpec().setNodeSelector(null);
    pod.getSpec().setRestartPolicy("Never");
    Container container = pod.getSpec().getContainers().getFirst();
    container.getSecurityContext().getCapabilities().setAdd(List.of());
    container.setStartupProbe(null);
    pod.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null)
        .forEach(v -> v.getConfigMap().setName("no-net-admin"));
    client.pods().resource(pod).create();

    Pod failed = client.pods().inNamespace(SYSTEM).withName("agent-without-net-admin")
        .waitUntilCondition(p -> p != null && "Failed".equals(p.getStatus().getPhase()), 2, java.util.concurrent.TimeUnit.MINUTES);
    try {
      assertThat(failed.getStatus().getContainerStatuses()).as("status: %s", failed.getStatus()).hasSize(1);
      assertThat(failed.getStatus().getContainerStatuses().getFirst().getState().getTerminated().getExitCode())
          .isNotZero();
      assertThat(client.pods().resource(failed).getLog())
          .contains("TUNSETIFF simgate0: Operation not permitted").contains("needs CAP_NET_ADMIN");
    } finally {
      client.pods().resource(failed).delete();
      client.configMaps().inNamespace(SYSTEM).withName("no-net-admin").delete();
    }
    assertThat(cluster.node(PLAIN_NODE).exec("ip", "link", "show", "simgate0").succeeded()).isFalse();
  }

  @Test
  @Order(7)
  void deletingTheGatePeerRemovesTheAgentAndLeavesTheNodeClean(KubeCluster cluster, KubernetesClient client) {
    client.pods().inNamespace(TENANT).withName("telemetry").delete();
    kubectl.run("delete", "gatepeer", "lab", "--wait=true");
    await().atMost(READY).untilAsserted(() -> assertThat(client.pods().inNamespace(SYSTEM)
        .withLabel("app.kubernetes.io/name", "simgate-agent").list().getItems()).isEmpty());
    KubeNode gate = cluster.node(GATE_NODE);
    // The node agents go with the last GatePeer too (and wait 10 s for a successor before they remove their table).
    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
      assertThat(gate.exec("ip", "link", "show", "simgate0").succeeded()).as("simgate0 removed").isFalse();
      for (KubeNode node : cluster.nodes()) {
        assertThat(node.exec("nft", "list", "tables").requireSuccess()).as(node.name()).doesNotContain("simgate");
        assertThat(node.exec("ip", "link", "show", "sgsteer0").succeeded()).as("sgsteer0 on %s", node.name())
            .isFalse();
      }
    });
  }

  @Test
  @Order(8)
  void helmUninstallLeavesWhatTheReadmeSays(KubernetesClient client) {
    kubectl.run("-n", TENANT, "delete", "devicesubnet", "lab-sims", "--wait=true");
    kubectl.run("delete", "virtualprivategateway", "lab-vpg", "--wait=true");
    kubectl.helm("uninstall", "simgate", "--namespace", SYSTEM, "--wait");

    await().atMost(READY).untilAsserted(() ->
        assertThat(client.pods().inNamespace(SYSTEM).list().getItems()).as("no pods left").isEmpty());
    assertThat(client.apps().deployments().inNamespace(SYSTEM).list().getItems()).isEmpty();
    assertThat(client.rbac().clusterRoles().withName("simgate-operator").get()).isNull();
    assertThat(client.apiextensions().v1().customResourceDefinitions().withName("gatepeers.simgate.dev").get())
        .as("CRDs are kept (crds.keep)").isNotNull();
    assertThat(client.services().inNamespace(TENANT).list().getItems()).as("device Services went with the DeviceSubnet")
        .isEmpty();
    // and nothing more: what Kubernetes puts in every namespace, the leader Lease and the nodes' steering addresses
    // (the chart's README says so); the VPG's range ledger goes with the VPG, through the garbage collector
    await().atMost(READY).untilAsserted(() -> assertThat(client.configMaps().inNamespace(SYSTEM).list().getItems())
        .extracting(o -> o.getMetadata().getName()).containsExactlyInAnyOrder("kube-root-ca.crt", "simgate-steering"));
    assertThat(client.serviceAccounts().inNamespace(SYSTEM).list().getItems())
        .extracting(o -> o.getMetadata().getName()).containsExactly("default");
    assertThat(client.rbac().roles().inNamespace(SYSTEM).list().getItems()).isEmpty();
    assertThat(client.rbac().roleBindings().inNamespace(SYSTEM).list().getItems()).isEmpty();
    assertThat(client.services().inNamespace(SYSTEM).list().getItems()).isEmpty();
    assertThat(client.leases().inNamespace(SYSTEM).list().getItems()).extracting(o -> o.getMetadata().getName())
        .containsExactly("simgate-operator");

    // "Removing everything", as the chart's README says: the CRDs and the namespace.
    kubectl.run("delete", "crd", "virtualprivategateways.simgate.dev", "gatepeers.simgate.dev",
        "devicesubnets.simgate.dev");
    kubectl.run("delete", "namespace", SYSTEM, "--wait=true");
  }

  @Test
  @Order(9)
  void theOneFileManifestInstallsTheOperatorToo(KubernetesClient client) {
    kubectl.run("apply", "--server-side", "-f", Kubectl.MANIFEST.toString());
    kubectl.result(READY, "-n", SYSTEM, "rollout", "status", "deployment/simgate-operator",
        "--timeout=" + READY.toSeconds() + "s").requireSuccess();
    Pod operator = onlyPod(client, SYSTEM, "app.kubernetes.io/component=operator");
    assertThat(operator.getStatus().getContainerStatuses().getFirst().getReady()).isTrue();
    kubectl.result(READY, "delete", "-f", Kubectl.MANIFEST.toString(), "--wait=true").requireSuccess();
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static String vpg() {
    return """
        apiVersion: simgate.dev/v1alpha1
        kind: VirtualPrivateGateway
        metadata:
          name: lab-vpg
        spec:
          vni: 10
          port: 4789
          deviceSubnet: 10.128.0.0/9
          peers: [%s, %s]
          namespaceSelector:
            matchLabels:
              simgate.dev/iot: "true"
        """.formatted(Lab.VPG1_OUTER, Lab.VPG2_OUTER);
  }

  private static String gatePeer() {
    return """
        apiVersion: simgate.dev/v1alpha1
        kind: GatePeer
        metadata:
          name: lab
        spec:
          vpgRef: lab-vpg
          nodeSelector:
            simgate.dev/gate: "true"
          innerAddressPool: 10.255.255.0/24
          interfaceName: simgate0
        """;
  }

  private static String deviceSubnet() {
    return """
        apiVersion: simgate.dev/v1alpha1
        kind: DeviceSubnet
        metadata:
          name: lab-sims
          namespace: %s
        spec:
          vpgRef: lab-vpg
          cidrs: [10.128.0.0/16]
          perDeviceServices: true
          podSelector:
            matchLabels:
              app: telemetry
          devices:
            - {name: sim-1, address: %s}
            - {name: sim-2, address: %s}
        """.formatted(TENANT, SIM1, SIM2);
  }

  /**
   * 1 MiB of random bytes from the pod to an echo service on the SIM ({@code simAddress}) at {@code target} (an
   * address or a name) and back: true when the pod got back exactly what it sent.
   */
  private static void assertEchoThroughSim(String pod, String target, String simAddress) {
    String role = simAddress.equals(SIM1) ? "sim1" : "sim2";
    Process echo;
    try {
      echo = lab.start(role, lab.workDir().resolve("echo-" + role + ".log"), "socat",
          "TCP-LISTEN:7000,reuseaddr", "EXEC:cat");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> lab.exec(role, "ss", "-Htln", "sport = :7000").output().contains("7000"));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    try {
      // busybox nc half-closes at the end of its input and waits for the echo
      Command result = kubectl.exec(TENANT, pod, "sh", "-c",
          "head -c 1048576 /dev/urandom > /tmp/sent && nc " + target + " 7000 < /tmp/sent > /tmp/echoed"
              + " && sha256sum /tmp/sent /tmp/echoed && wc -c < /tmp/echoed");
      List<String> lines = result.stdout().lines().map(String::strip).toList();
      List<String> hashes = lines.stream().filter(l -> l.matches("[0-9a-f]{64} .*")).map(l -> l.substring(0, 64))
          .toList();
      assertThat(result.succeeded() && lines.contains("1048576") && hashes.size() == 2 && hashes.get(0).equals(hashes.get(1)))
          .as("1 MiB echoed byte-exact by %s through %s: %s", simAddress, target, result.describe()).isTrue();
    } finally {
      echo.destroyForcibly();
    }
  }

  private static Pod onlyPod(KubernetesClient client, String namespace, String selector) {
    String[] kv = selector.split("=");
    List<Pod> pods = client.pods().inNamespace(namespace).withLabel(kv[0], kv[1]).list().getItems();
    assertThat(pods).as("pods %s in %s", selector, namespace).hasSize(1);
    return pods.getFirst();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> gatePeerNode(KubernetesClient client) {
    GenericKubernetesResource gatePeer =
        client.genericKubernetesResources("simgate.dev/v1alpha1", "GatePeer").withName("lab").get();
    List<Map<String, Object>> nodes =
        (List<Map<String, Object>>) ((Map<String, Object>) gatePeer.getAdditionalProperties().get("status")).get("nodes");
    assertThat(nodes).hasSize(1);
    return nodes.getFirst();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> vpgStatus(KubernetesClient client) {
    return (Map<String, Object>) client.genericKubernetesResources("simgate.dev/v1alpha1", "VirtualPrivateGateway")
        .withName("lab-vpg").get().getAdditionalProperties().get("status");
  }

  private static String imageOf(String archive) {
    return ImageArchives.repoTag(Kubectl.IMAGES.resolve(archive));
  }
}
