package dev.simgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.lab.Lab;
import dev.simgate.testkit.Command;
import dev.simgate.testkit.KubeCluster;
import dev.simgate.testkit.KubeNode;
import dev.simgate.testkit.WithKubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The traffic policy of issue 9 on real nodes: two gate nodes (node-1, node-2, both gate peers of the lab's VPG, whose
 * two VPG peers have a SIM each) and a plain node (node-3), SimGate installed with Helm. Two tenants each hold a
 * DeviceSubnet with one SIM: {@code tenant-a} 10.128.1.0/24 (sim1), {@code tenant-b} 10.128.2.0/24 (sim2), both selecting
 * {@code app=telemetry}. From the SIMs only replies and the exposed Service come in; pods reach their own tenant's SIMs
 * from any node when selected, and nothing else; a gate node that stops moves the traffic to the other, with none a pod
 * gets an error at once; uninstalling leaves no rule, route or set on any node. Steps build on each other (a cluster of
 * real nodes is too costly per test); each asserts one behaviour.
 */
@WithKubeCluster(nodes = 3)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrafficPolicyOnRealNodesIT {

  private static final String GATE_1 = "node-1";
  private static final String GATE_2 = "node-2";
  private static final String PLAIN = "node-3";
  private static final String SYSTEM = "simgate-system";
  private static final String TENANT_A = "tenant-a";
  private static final String TENANT_B = "tenant-b";
  private static final String SIM1 = Lab.SIM1; // tenant-a's, behind VPG peer 1
  private static final String SIM2 = Lab.SIM2; // tenant-b's, behind VPG peer 2
  private static final Duration READY = Duration.ofMinutes(4);
  private static final Duration SECONDS = Duration.ofSeconds(90);
  private static final int SSH_LIKE_PORT = 2222;
  private static final int NODE_PORT = 30080;

  private static Lab lab;
  private static Kubectl kubectl;
  private static final List<Process> listeners = new ArrayList<>();

  @BeforeAll
  static void install(KubeCluster cluster) throws IOException {
    cluster.importImages(Kubectl.IMAGES.resolve("simgate-operator.tar"), Kubectl.IMAGES.resolve("simgate-agent.tar"));
    kubectl = new Kubectl(cluster);
    lab = Lab.up(Lab.Options.agent(2).onUnderlay(cluster.underlayNetns(), cluster.underlayBridge(),
        List.of(cluster.node(GATE_1).address(), cluster.node(GATE_2).address())));
    kubectl.run("label", "node", GATE_1, GATE_2, "simgate.dev/gate=true");
    kubectl.run("create", "namespace", SYSTEM);
    kubectl.run("label", "namespace", SYSTEM, "pod-security.kubernetes.io/enforce=privileged");
    kubectl.helm("install", "simgate", Kubectl.CHART.toString(), "--namespace", SYSTEM, "--wait", "--timeout", "5m");
    for (String tenant : List.of(TENANT_A, TENANT_B)) {
      kubectl.run("create", "namespace", tenant);
      kubectl.run("label", "namespace", tenant, "simgate.dev/iot=true");
    }
    kubectl.apply(RESOURCES);
    kubectl.result(READY, "wait", "--for=condition=Ready", "--timeout=" + READY.toSeconds() + "s",
        "virtualprivategateway/lab-vpg", "gatepeer/lab").requireSuccess();
    for (String tenant : List.of(TENANT_A, TENANT_B)) {
      kubectl.result(READY, "-n", tenant, "wait", "--for=condition=Ready", "--timeout=60s", "devicesubnet/sims")
          .requireSuccess();
    }
  }

  @AfterAll
  static void lab() {
    listeners.forEach(Process::destroyForcibly);
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void everyNodeRunsANodeAgentThatSteersToBothGateNodes(KubeCluster cluster, KubernetesClient client) {
    kubectl.result(READY, "-n", SYSTEM, "rollout", "status", "daemonset/simgate-node-agent",
        "--timeout=" + READY.toSeconds() + "s").requireSuccess();
    List<Pod> agents = client.pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", "simgate-node-agent")
        .list().getItems();
    assertThat(agents).extracting(p -> p.getSpec().getNodeName()).containsExactlyInAnyOrder(GATE_1, GATE_2, PLAIN);
    assertThat(agents).allSatisfy(p -> {
      var security = p.getSpec().getContainers().getFirst().getSecurityContext();
      assertThat(security.getPrivileged()).isFalse();
      assertThat(security.getCapabilities().getAdd()).containsExactly("NET_ADMIN");
    });
    Map<String, String> inner = innerAddresses(client);
    assertThat(inner).containsOnlyKeys(GATE_1, GATE_2);
    KubeNode plain = cluster.node(PLAIN);
    assertThat(plain.exec("ip", "-d", "link", "show", "sgsteer0").requireSuccess()).contains("vxlan id 5347")
        .contains("dstport 8479");
    // Both gate nodes answer their probes: each tenant's CIDR goes to both (ECMP).
    await().atMost(SECONDS).untilAsserted(() -> {
      String routes = plain.exec("ip", "route", "show", "proto", "83").requireSuccess();
      for (String cidr : List.of("10.128.1.0/24", "10.128.2.0/24")) {
        assertThat(steeringRoute(routes, cidr)).as("route to %s in:%n%s", cidr, routes)
            .contains("via " + inner.get(GATE_1)).contains("via " + inner.get(GATE_2));
      }
    });
  }

  @Test
  @Order(2)
  void fromTheTunnelOnlyRepliesComeInNotTheNodeNorWhatItRoutes(KubeCluster cluster, KubernetesClient client)
      throws IOException {
    KubeNode gate = cluster.node(GATE_1);
    String inner = innerAddresses(client).get(GATE_1);
    // What a SIM must not reach on a gate node: the kubelet (bound to every address, as real kubelets are), an
    // SSH-like listener on 0.0.0.0, a NodePort, a pod on the node.
    listeners.add(new ProcessBuilder("ip", "netns", "exec", gate.netns(), "socat",
        "TCP-LISTEN:" + SSH_LIKE_PORT + ",fork,reuseaddr", "SYSTEM:echo SSH-2.0-listener")
        .redirectErrorStream(true).redirectOutput(lab.workDir().resolve("ssh-like.log").toFile()).start());
    kubectl.toolboxPod(TENANT_A, "web", GATE_1, "app: web", "httpd -f -p 8080 -h /etc");
    kubectl.apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: %s}
        spec:
          type: NodePort
          selector: {app: web}
          ports: [{port: 80, targetPort: 8080, nodePort: %d}]
        """.formatted(TENANT_A, NODE_PORT));
    String webPod = podIp(client, TENANT_A, "web");
    // The lab's VPG routes sim1's packets for the cluster's pod network and the gate node's own address into the
    // tunnel, as a VPG whose routing reaches the cluster would (a table of sim1's own: the VPG's VXLAN to the node
    // must keep going over the underlay).
    lab.run("vpg1", "ip", "rule", "add", "from", SIM1, "table", "100", "priority", "100");
    lab.run("vpg1", "ip", "route", "add", "table", "100", "10.88.0.0/16", "via", inner, "dev", "vx0", "onlink");
    lab.run("vpg1", "ip", "route", "add", "table", "100", gate.address() + "/32", "via", inner, "dev", "vx0",
        "onlink");

    Map<String, List<String>> targets = Map.of(
        "the kubelet", List.of("curl", "-sk", "-m", "3", "https://" + inner + ":10250/healthz"),
        "a listener on 0.0.0.0", List.of("socat", "-T", "3", "-", "TCP:" + inner + ":" + SSH_LIKE_PORT
            + ",connect-timeout=3"),
        "a NodePort", List.of("curl", "-s", "-m", "3", "http://" + gate.address() + ":" + NODE_PORT + "/hostname"),
        "a pod on the gate node", List.of("curl", "-s", "-m", "3", "http://" + webPod + ":8080/hostname"));
    // Each answers inside the cluster (the NodePort from another node, the rest on the gate node itself): what the
    // SIM does not get is filtered, not absent.
    await().atMost(SECONDS).untilAsserted(() -> {
      for (var target : targets.entrySet()) {
        KubeNode from = target.getKey().equals("a NodePort") ? cluster.node(PLAIN) : gate;
        Command local = from.exec(target.getValue().toArray(String[]::new));
        assertThat(local.succeeded() && !local.stdout().isBlank()).as("%s from %s: %s", target.getKey(), from.name(),
            local.describe()).isTrue();
      }
    });
    double toNode = gateDrops(gate, "inbound_to_node");
    double routed = gateDrops(gate, "inbound_routed");
    for (var target : targets.entrySet()) {
      Lab.Result fromSim = lab.exec("sim1", target.getValue().toArray(String[]::new));
      assertThat(fromSim.ok() && !fromSim.output().isBlank()).as("%s from sim1: %s", target.getKey(), fromSim.output())
          .isFalse();
    }
    assertThat(gateDrops(gate, "inbound_to_node")).as("dropped on the way to the node").isGreaterThan(toNode);
    assertThat(gateDrops(gate, "inbound_routed")).as("dropped on the way to what it routes").isGreaterThan(routed);

    // Replies to what the cluster opens come back: the gate node itself, whose own connections are not confined.
    assertEcho(sim -> gate.exec("sh", "-c", "head -c 65536 /dev/urandom > /tmp/simgate-sent; socat -t 5 - TCP:"
        + sim + ":7000 < /tmp/simgate-sent | cmp - /tmp/simgate-sent && echo same; rm -f /tmp/simgate-sent"), SIM1,
        "same");
  }

  @Test
  @Order(3)
  void aSelectedPodReachesItsOwnSimsFromThePlainNodeAndNoOneElseDoes(KubeCluster cluster, KubernetesClient client) {
    kubectl.toolboxPod(TENANT_A, "selected", PLAIN, "app: telemetry", "sleep 3600");
    kubectl.toolboxPod(TENANT_A, "unselected", PLAIN, "app: billing", "sleep 3600");
    kubectl.toolboxPod(TENANT_B, "other-tenant", PLAIN, "app: telemetry", "sleep 3600");
    String selected = podIp(client, TENANT_A, "selected");
    String unselected = podIp(client, TENANT_A, "unselected");
    KubeNode plain = cluster.node(PLAIN);
    await().atMost(SECONDS).untilAsserted(() -> assertThat(allowed(plain)).contains(selected + " . 10.128.1.0/24"));

    assertThat(ping(TENANT_A, "selected", SIM1).requireSuccess()).contains("3 packets received");
    assertEchoFromPod(TENANT_A, "selected", SIM1);
    assertThat(ping(TENANT_B, "other-tenant", SIM2).requireSuccess()).contains("3 packets received");

    double toA = deniedTo(plain, TENANT_A + "/sims");
    double toB = deniedTo(plain, TENANT_B + "/sims");
    assertThat(ping(TENANT_A, "unselected", SIM1).succeeded()).as("an unselected pod").isFalse();
    assertThat(ping(TENANT_B, "other-tenant", SIM1).succeeded()).as("the other tenant's pod").isFalse();
    assertThat(deniedTo(plain, TENANT_A + "/sims")).as("refused on the way to tenant-a's SIMs, at the pod's node")
        .isGreaterThan(toA);
    assertThat(ping(TENANT_A, "selected", SIM2).succeeded()).as("tenant-a's pod to tenant-b's SIM").isFalse();
    assertThat(deniedTo(plain, TENANT_B + "/sims")).as("refused on the way to tenant-b's SIMs, at the pod's node")
        .isGreaterThan(toB);
    // Refused at the pod's own node, by its own address: both pods of tenant-a send from the same node (a CNI that
    // masquerades would make them one address further on), and only the selected one's address is allowed.
    assertThat(allowed(plain)).contains(selected + " . 10.128.1.0/24").doesNotContain(unselected + " . ");
    await().atMost(SECONDS).untilAsserted(() -> assertThat(accessPods(client, TENANT_A))
        .as("tenant-a's status counts its selected pod").isEqualTo(1));
  }

  @Test
  @Order(4)
  void aPodLabelledIntoTheSelectorGainsAccessAndADeletedOneLosesIt(KubeCluster cluster, KubernetesClient client) {
    KubeNode plain = cluster.node(PLAIN);
    String address = podIp(client, TENANT_A, "unselected");
    long labelled = System.nanoTime();
    kubectl.run("-n", TENANT_A, "label", "pod", "unselected", "app=telemetry", "--overwrite");
    await().atMost(SECONDS).pollInterval(Duration.ofMillis(50))
        .until(() -> allowed(plain).contains(address + " . 10.128.1.0/24"));
    long inForce = System.nanoTime();
    await().atMost(SECONDS).pollInterval(Duration.ZERO)
        .until(() -> kubectl.exec(TENANT_A, "unselected", "ping", "-c", "1", "-W", "1", SIM1).succeeded());
    long reached = System.nanoTime();
    System.out.printf("labelled into the selector: in force on its node after %d ms (polled every 50 ms), first"
        + " answer from the SIM after %d ms (kubectl exec + ping, each attempt ~0.3 s)%n",
        (inForce - labelled) / 1_000_000, (reached - labelled) / 1_000_000);

    long deleted = System.nanoTime();
    kubectl.run("-n", TENANT_A, "delete", "pod", "unselected", "--wait=false");
    await().atMost(SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> !allowed(plain).contains(address + " . "));
    System.out.printf("deleted: its address out of its node's allowed set after %d ms (polled every 50 ms)%n",
        (System.nanoTime() - deleted) / 1_000_000);
  }

  @Test
  @Order(5)
  void aSimReachesTheExposedServiceAndNothingElse(KubeCluster cluster, KubernetesClient client) throws IOException {
    // An HTTP echo of the caller's address (busybox httpd CGI) on the plain node, and a Service that is not exposed.
    kubectl.toolboxPod(TENANT_A, "echo", PLAIN, "app: echo", "mkdir -p /www/cgi-bin && printf '#!/bin/sh\\necho Content-Type:"
        + " text/plain\\necho\\necho $REMOTE_ADDR\\n' > /www/cgi-bin/addr && chmod +x /www/cgi-bin/addr"
        + " && httpd -p 9090 -h /www && httpd -f -p 8080 -h /www");
    kubectl.apply("""
        apiVersion: v1
        kind: Service
        metadata: {name: echo, namespace: %1$s}
        spec:
          selector: {app: echo}
          ports: [{name: http, port: 80, targetPort: 8080}]
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: internal, namespace: %1$s}
        spec:
          selector: {app: echo}
          ports: [{name: http, port: 90, targetPort: 9090}]
        """.formatted(TENANT_A));
    kubectl.run("-n", TENANT_A, "patch", "devicesubnet", "sims", "--type=merge", "-p",
        "{\"spec\":{\"exposedServices\":[{\"service\":\"echo\",\"port\":\"http\",\"innerPort\":8080}]}}");
    Map<String, String> inner = innerAddresses(client);
    await().atMost(SECONDS).untilAsserted(() -> assertThat(exposedStatus(client)).containsEntry("endpoints", 1)
        .containsEntry("addresses", List.of(inner.get(GATE_1) + ":8080", inner.get(GATE_2) + ":8080")));

    // Through either gate node; the Service sees that gate node's address, not sim1's: pods route device addresses
    // to any gate node, so a reply to the SIM's own address could leave through another gate node, which knows
    // nothing of the connection (dataplane/README "Node agent", Exposure). busybox httpd writes it IPv4-mapped.
    for (String gate : List.of(GATE_1, GATE_2)) {
      String url = "http://" + inner.get(gate) + ":8080/cgi-bin/addr";
      await().atMost(SECONDS).untilAsserted(() -> assertThat(lab.exec("sim1", "curl", "-s", "-m", "3", url).output()
          .strip()).as("REMOTE_ADDR through %s", gate).isIn(cluster.node(gate).address(),
              "[::ffff:" + cluster.node(gate).address() + "]"));
    }
    String echoPod = podIp(client, TENANT_A, "echo");
    for (List<String> refused : List.of(
        List.of("sim1", "http://" + inner.get(GATE_1) + ":9090/cgi-bin/addr"),   // not exposed on the inner address
        List.of("sim1", "http://" + echoPod + ":9090/cgi-bin/addr"),             // nor the pod, routed in by the VPG
        List.of("sim2", "http://" + inner.get(GATE_1) + ":8080/cgi-bin/addr"))) { // tenant-b's SIM: not its Service
      Lab.Result result = lab.exec(refused.get(0), "curl", "-s", "-m", "3", refused.get(1));
      assertThat(result.ok()).as("%s -> %s: %s", refused.get(0), refused.get(1), result.output()).isFalse();
    }
  }

  @Test
  @Order(6)
  void aGateNodeThatStopsHandsItsTrafficToTheOtherAndWithNoneAPodGetsAnErrorAtOnce(KubeCluster cluster,
      KubernetesClient client) {
    KubeNode plain = cluster.node(PLAIN);
    Map<String, String> inner = innerAddresses(client);
    kubectl.run("label", "node", GATE_1, "simgate.dev/gate-");
    await().atMost(SECONDS).untilAsserted(() -> {
      assertThat(cluster.node(GATE_1).exec("ip", "link", "show", "simgate0").succeeded()).as("agent gone").isFalse();
      String route = steeringRoute(plain.exec("ip", "route", "show", "proto", "83").requireSuccess(), "10.128.1.0/24");
      assertThat(route).contains("via " + inner.get(GATE_2)).doesNotContain(inner.get(GATE_1));
    });
    assertThat(ping(TENANT_A, "selected", SIM1).requireSuccess()).contains("3 packets received");
    assertEchoFromPod(TENANT_A, "selected", SIM1);

    kubectl.run("label", "node", GATE_2, "simgate.dev/gate-");
    await().atMost(SECONDS).untilAsserted(() -> assertThat(steeringRoute(plain.exec("ip", "route", "show", "proto",
        "83").requireSuccess(), "10.128.1.0/24")).startsWith("unreachable"));
    Command noGate = ping(TENANT_A, "selected", SIM1);
    Command connect = kubectl.exec(TENANT_A, "selected", "nc", "-w", "5", SIM1, "7000");
    assertThat(noGate.succeeded()).isFalse();
    assertThat((noGate.stdout() + noGate.stderr() + connect.stdout() + connect.stderr()).toLowerCase(Locale.ROOT))
        .as("an error, not a silent wait: %s / %s", noGate.describe(), connect.describe())
        .containsAnyOf("no route to host", "unreachable");

    kubectl.run("label", "node", GATE_1, GATE_2, "simgate.dev/gate=true");
    kubectl.result(READY, "wait", "--for=condition=Ready", "--timeout=" + READY.toSeconds() + "s", "gatepeer/lab")
        .requireSuccess();
    await().atMost(SECONDS).untilAsserted(() -> assertThat(ping(TENANT_A, "selected", SIM1).requireSuccess())
        .contains("packets received"));
  }

  @Test
  @Order(7)
  void uninstallingLeavesNoRuleRouteOrSetOnAnyNode(KubeCluster cluster, KubernetesClient client) {
    for (String tenant : List.of(TENANT_A, TENANT_B)) {
      kubectl.run("-n", tenant, "delete", "pods,services", "--all", "--wait=false");
      kubectl.run("-n", tenant, "delete", "devicesubnet", "sims", "--wait=true");
    }
    kubectl.run("delete", "gatepeer", "lab", "--wait=true");
    kubectl.run("delete", "virtualprivategateway", "lab-vpg", "--wait=true");
    kubectl.helm("uninstall", "simgate", "--namespace", SYSTEM, "--wait");
    await().atMost(READY).untilAsserted(() -> {
      assertThat(client.pods().inNamespace(SYSTEM).list().getItems()).as("no agent or node agent left").isEmpty();
      for (KubeNode node : cluster.nodes()) {
        assertThat(node.exec("nft", "list", "tables").requireSuccess()).as("tables on %s", node.name())
            .doesNotContain("simgate");
        assertThat(node.exec("ip", "-o", "link", "show").requireSuccess()).as("links on %s", node.name())
            .doesNotContain("sgsteer0").doesNotContain("simgate0");
        assertThat(node.exec("ip", "route", "show", "proto", "83").requireSuccess()).as("routes on %s", node.name())
            .isBlank();
      }
    });
    kubectl.run("delete", "crd", "virtualprivategateways.simgate.dev", "gatepeers.simgate.dev",
        "devicesubnets.simgate.dev");
    kubectl.run("delete", "namespace", SYSTEM, TENANT_A, TENANT_B, "--wait=true");
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static final String RESOURCES = """
      apiVersion: simgate.dev/v1alpha1
      kind: VirtualPrivateGateway
      metadata: {name: lab-vpg}
      spec:
        vni: 10
        port: 4789
        deviceSubnet: 10.128.0.0/9
        peers: [%1$s, %2$s]
        namespaceSelector: {matchLabels: {simgate.dev/iot: "true"}}
      ---
      apiVersion: simgate.dev/v1alpha1
      kind: GatePeer
      metadata: {name: lab}
      spec:
        vpgRef: lab-vpg
        nodeSelector: {simgate.dev/gate: "true"}
        innerAddressPool: 10.255.255.0/24
      ---
      apiVersion: simgate.dev/v1alpha1
      kind: DeviceSubnet
      metadata: {name: sims, namespace: %3$s}
      spec:
        vpgRef: lab-vpg
        cidrs: [10.128.1.0/24]
        podSelector: {matchLabels: {app: telemetry}}
        devices: [{name: sim-1, address: %5$s}]
      ---
      apiVersion: simgate.dev/v1alpha1
      kind: DeviceSubnet
      metadata: {name: sims, namespace: %4$s}
      spec:
        vpgRef: lab-vpg
        cidrs: [10.128.2.0/24]
        podSelector: {matchLabels: {app: telemetry}}
        devices: [{name: sim-2, address: %6$s}]
      """.formatted(Lab.VPG1_OUTER, Lab.VPG2_OUTER, TENANT_A, TENANT_B, SIM1, SIM2);

  private static String podIp(KubernetesClient client, String namespace, String name) {
    return client.pods().inNamespace(namespace).withName(name).get().getStatus().getPodIP();
  }

  private static Command ping(String namespace, String pod, String address) {
    return kubectl.exec(namespace, pod, "ping", "-c", "3", "-W", "2", address);
  }

  /** What runs {@code send} against the SIM at {@code sim} gets back what it sent (an echo on the SIM's port 7000). */
  private static void assertEcho(Function<String, Command> send, String sim, String expected) {
    String role = sim.equals(SIM1) ? "sim1" : "sim2";
    Process echo;
    try {
      echo = lab.start(role, lab.workDir().resolve("echo-" + role + ".log"), "socat", "TCP-LISTEN:7000,reuseaddr,fork",
          "EXEC:cat");
      await().atMost(Duration.ofSeconds(10))
          .until(() -> lab.exec(role, "ss", "-Htln", "sport = :7000").output().contains("7000"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Command result = send.apply(sim);
      assertThat(result.stdout()).as("echo through %s: %s", sim, result.describe()).contains(expected);
    } finally {
      echo.destroyForcibly();
    }
  }

  /** 1 MiB of random bytes from the pod to the SIM's echo and back, byte-exact (busybox nc half-closes at EOF). */
  private static void assertEchoFromPod(String namespace, String pod, String sim) {
    assertEcho(target -> kubectl.exec(namespace, pod, "sh", "-c", "head -c 1048576 /dev/urandom > /tmp/sent && nc "
        + target + " 7000 < /tmp/sent > /tmp/echoed && cmp /tmp/sent /tmp/echoed && wc -c < /tmp/echoed"), sim,
        "1048576");
  }

  /** The node agent's allowed set on a node: "pod address . device CIDR" elements. */
  private static String allowed(KubeNode node) {
    return node.exec("nft", "list", "set", "inet", "simgate_node", "allowed").requireSuccess();
  }

  /** The node agent's simgate_node_access_denied_packets_total for a DeviceSubnet, on its metrics port. */
  private static double deniedTo(KubeNode node, String owner) {
    String metrics = node.exec("curl", "-s", "http://127.0.0.1:9467/metrics").requireSuccess();
    Matcher m = Pattern.compile("^simgate_node_access_denied_packets_total\\{[^}]*owner=\"" + owner
        + "\"[^}]*} (\\S+)$", Pattern.MULTILINE).matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  /** The gate agent's simgate_policy_dropped_packets_total{reason} on its metrics port. */
  private static double gateDrops(KubeNode node, String reason) {
    String metrics = node.exec("curl", "-s", "http://127.0.0.1:9465/metrics").requireSuccess();
    Matcher m = Pattern.compile("^simgate_policy_dropped_packets_total\\{[^}]*reason=\"" + reason + "\"[^}]*} (\\S+)$",
        Pattern.MULTILINE).matcher(metrics);
    assertThat(m.find()).as("%s in:%n%s", reason, metrics).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** The line of {@code ip route show proto 83} for a CIDR that is not the last-resort unreachable, else that one. */
  private static String steeringRoute(String routes, String cidr) {
    List<String> lines = new ArrayList<>();
    String current = null;
    for (String line : routes.lines().toList()) {
      if (line.startsWith(" ") || line.startsWith("\t")) {
        if (current != null) {
          current += " " + line.strip();
        }
      } else {
        if (current != null) {
          lines.add(current);
        }
        current = line;
      }
    }
    if (current != null) {
      lines.add(current);
    }
    return lines.stream().filter(l -> l.startsWith(cidr + " ")).findFirst()
        .or(() -> lines.stream().filter(l -> l.startsWith("unreachable " + cidr + " ")).findFirst()).orElse("");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> innerAddresses(KubernetesClient client) {
    GenericKubernetesResource gatePeer =
        client.genericKubernetesResources("simgate.dev/v1alpha1", "GatePeer").withName("lab").get();
    var nodes = (List<Map<String, Object>>) ((Map<String, Object>) gatePeer.getAdditionalProperties().get("status"))
        .get("nodes");
    Map<String, String> inner = new TreeMap<>();
    nodes.forEach(n -> inner.put((String) n.get("name"), (String) n.get("innerAddress")));
    return inner;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(KubernetesClient client, String namespace) {
    return (Map<String, Object>) client.genericKubernetesResources("simgate.dev/v1alpha1", "DeviceSubnet")
        .inNamespace(namespace).withName("sims").get().getAdditionalProperties().get("status");
  }

  @SuppressWarnings("unchecked")
  private static int accessPods(KubernetesClient client, String namespace) {
    return ((Number) ((Map<String, Object>) status(client, namespace).get("access")).get("pods")).intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> exposedStatus(KubernetesClient client) {
    List<Map<String, Object>> exposed = (List<Map<String, Object>>) status(client, TENANT_A).get("exposedServices");
    assertThat(exposed).hasSize(1);
    return exposed.getFirst();
  }
}
