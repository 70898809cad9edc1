package dev.simgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.lab.Lab;
import dev.simgate.testkit.KubeCluster;
import dev.simgate.testkit.KubeNode;
import dev.simgate.testkit.WithKubeCluster;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * VPG peer liveness where operators look (issue 10), on real nodes: two kernel-VXLAN VPG peers acting as one VPG (the
 * lab's HA mode, SIM 3 behind both) on the node network, SimGate installed with Helm, one gate node. A VPG peer that
 * goes down shows in the GatePeer's and the VPG's status and as a Warning Event; `kubectl wait` on the GatePeer says
 * what is true; an agent whose peers all stop answering is not Ready; a rolling update of the agents does not reset a
 * pod's TCP connection to a SIM. Steps build on each other: a cluster of real nodes is too costly to start per test.
 */
@WithKubeCluster(nodes = 2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VpgPeerReachabilityOnRealNodesIT {
  private static final String GATE_NODE = "node-1";
  private static final String SYSTEM = "simgate-system";
  private static final String TENANT = "factory";
  private static final Duration READY = Duration.ofMinutes(4);
  private static final Duration SECONDS = Duration.ofSeconds(60);
  private static final String AGENT_PODS = "app.kubernetes.io/name=simgate-agent";

  private static Lab lab;
  private static Kubectl kubectl;

  @BeforeAll
  static void install(KubeCluster cluster) throws IOException {
    cluster.importImages(Kubectl.IMAGES.resolve("simgate-operator.tar"), Kubectl.IMAGES.resolve("simgate-agent.tar"));
    kubectl = new Kubectl(cluster);
    lab = Lab.up(Lab.Options.agent(2).withHa().onUnderlay(cluster.underlayNetns(), cluster.underlayBridge(),
        List.of(cluster.node(GATE_NODE).address())));
    kubectl.run("label", "node", GATE_NODE, "simgate.dev/gate=true");
    kubectl.run("create", "namespace", SYSTEM);
    kubectl.run("label", "namespace", SYSTEM, "pod-security.kubernetes.io/enforce=privileged");
    kubectl.helm("install", "simgate", Kubectl.CHART.toString(), "--namespace", SYSTEM, "--wait", "--timeout", "5m");
    kubectl.run("create", "namespace", TENANT);
    kubectl.run("label", "namespace", TENANT, "simgate.dev/iot=true");
    kubectl.apply(RESOURCES);
    kubectl.result(READY, "wait", "--for=condition=Ready", "--timeout=" + READY.toSeconds() + "s",
        "virtualprivategateway/lab-vpg", "gatepeer/lab").requireSuccess();
  }

  @AfterAll
  static void lab() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void theStatusShowsEachVpgPeerAnsweringTheGateNode(KubernetesClient client) {
    await().atMost(SECONDS).untilAsserted(() -> {
      assertThat(nodePeers(client)).extracting(p -> p.get("address"), p -> p.get("reachable"), p -> p.get("state"))
          .containsExactly(org.assertj.core.groups.Tuple.tuple(Lab.VPG1_OUTER, true, "up"),
              org.assertj.core.groups.Tuple.tuple(Lab.VPG2_OUTER, true, "up"));
      assertThat(nodePeers(client)).allSatisfy(p -> assertThat(p.get("rttMillis")).isNotNull());
      assertThat(vpgPeers(client)).extracting(p -> p.get("reachableFrom")).containsExactly(1, 1);
    });
  }

  @Test
  @Order(2)
  void aRollingUpdateOfTheAgentsKeepsAPodsConnectionToASim(KubeCluster cluster, KubernetesClient client)
      throws Exception {
    Path received = Files.createTempFile(lab.workDir(), "received-", ".txt");
    Process sink = lab.start("sim3", received, "python3", "-u", "-c", LINE_SINK, "7000");
    KubeNode gate = cluster.node(GATE_NODE);
    Path stop = lab.workDir().resolve("udp-stop");
    Path udpReport = Files.createTempFile(lab.workDir(), "udp-", ".txt");
    Process udpSink = lab.start("sim3", udpReport, "python3", "-u", "-c", UDP_SINK, "9999");
    try {
      // Started once the SIM listens: a line every 100 ms over one TCP connection.
      kubectl.toolboxPod(TENANT, "telemetry", GATE_NODE, "app: telemetry",
          "i=0; while true; do echo $i; i=$((i+1)); sleep 0.1; done | nc " + Lab.SIM3 + " 7000");
      await().atMost(SECONDS).until(() -> lines(received) > 20);
      Process udp = new ProcessBuilder("ip", "netns", "exec", gate.netns(), "python3", "-c", UDP_SOURCE, Lab.SIM3,
          "9999", stop.toString()).redirectErrorStream(true).redirectOutput(lab.workDir().resolve("udp-source.txt")
          .toFile()).start();
      String before = onlyAgent(client).getMetadata().getName();
      kubectl.run("-n", SYSTEM, "rollout", "restart", "daemonset/simgate-lab");
      kubectl.result(READY, "-n", SYSTEM, "rollout", "status", "daemonset/simgate-lab", "--timeout=240s")
          .requireSuccess();
      await().atMost(SECONDS).until(() -> !onlyAgent(client).getMetadata().getName().equals(before));
      long afterRollout = lines(received);
      await().atMost(SECONDS).until(() -> lines(received) > afterRollout + 20);
      Files.writeString(stop, "");
      udp.waitFor(30, TimeUnit.SECONDS);
      assertThat(Files.readString(received)).as("one connection throughout, never reset").contains("connection 1")
          .doesNotContain("connection 2", "closed");
      assertThat(onlyAgent(client).getStatus().getContainerStatuses().getFirst().getRestartCount()).isZero();
    } finally {
      sink.destroyForcibly();
      udpSink.waitFor(20, TimeUnit.SECONDS); // it reports after 5 s of silence
      udpSink.destroy();
      client.pods().inNamespace(TENANT).withName("telemetry").delete();
    }
    // received datagrams, sent datagrams, longest silence: the figure e2e/bench/failover.sh reports
    System.out.println("VpgPeerReachabilityOnRealNodesIT: DaemonSet rolling update, UDP every 1 ms node -> SIM:"
        + " received/sent/longest gap (ms) = " + Files.readString(udpReport).strip());
  }

  @Test
  @Order(3)
  void aVpgPeerThatGoesDownShowsInStatusAndAsAWarningEvent(KubernetesClient client) throws IOException {
    lab.peer(2, false);
    await().atMost(SECONDS).untilAsserted(() -> {
      assertThat(nodePeers(client)).filteredOn(p -> p.get("address").equals(Lab.VPG2_OUTER)).singleElement()
          .satisfies(p -> assertThat(p).containsEntry("reachable", false).containsEntry("state", "down"));
      assertThat(vpgPeers(client)).filteredOn(p -> p.get("address").equals(Lab.VPG2_OUTER)).singleElement()
          .satisfies(p -> assertThat(p).containsEntry("reachableFrom", 0).containsEntry("gateNodes", 1));
    });
    await().atMost(SECONDS).untilAsserted(() -> assertThat(events(client, "lab", "Warning"))
        .anySatisfy(e -> assertThat(e).contains("VpgPeerUnreachable").contains(Lab.VPG2_OUTER)));
    assertThat(events(client, "lab-vpg", "Warning")).anySatisfy(e -> assertThat(e).contains("VpgPeerUnreachable"));
    // One peer answers: the tunnel works, and Ready says so (with the peer that does not in its message).
    kubectl.result(SECONDS, "wait", "--for=condition=Ready", "--timeout=30s", "gatepeer/lab").requireSuccess();
    assertThat(readyMessage(client)).contains("VPG peer " + Lab.VPG2_OUTER + " unreachable from 1/1 nodes");

    lab.peer(2, true);
    await().atMost(SECONDS).untilAsserted(() -> assertThat(nodePeers(client))
        .allSatisfy(p -> assertThat(p).containsEntry("reachable", true)));
    assertThat(events(client, "lab", "Normal")).anySatisfy(e -> assertThat(e).contains("VpgPeerReachable"));
  }

  @Test
  @Order(4)
  void anAgentWhosePeersAllStopAnsweringIsNotReadyAndNeitherIsTheGatePeer(KubernetesClient client) throws IOException {
    lab.peer(1, false);
    lab.peer(2, false);
    kubectl.result(SECONDS, "-n", SYSTEM, "wait", "--for=condition=Ready=false", "--timeout=60s", "pod", "-l",
        AGENT_PODS).requireSuccess();
    kubectl.result(SECONDS, "wait", "--for=condition=Ready=false", "--timeout=60s", "gatepeer/lab").requireSuccess();
    assertThat(kubectl.result(SECONDS, "wait", "--for=condition=Ready", "--timeout=5s", "gatepeer/lab").succeeded())
        .as("kubectl wait for Ready does not pass").isFalse();
    assertThat(readyMessage(client)).contains("no VPG peer answers");

    lab.peer(1, true);
    lab.peer(2, true);
    kubectl.result(READY, "wait", "--for=condition=Ready", "--timeout=120s", "gatepeer/lab").requireSuccess();
  }

  @Test
  @Order(5)
  void removingTheGatePeerAndUninstallingLeaveTheNodeClean(KubeCluster cluster, KubernetesClient client) {
    kubectl.run("delete", "gatepeer", "lab", "--wait=true");
    KubeNode gate = cluster.node(GATE_NODE);
    await().atMost(READY).untilAsserted(() -> {
      assertThat(client.pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", "simgate-agent").list()
          .getItems()).isEmpty();
      assertThat(gate.exec("ip", "link", "show", "simgate0").succeeded()).as("simgate0 removed").isFalse();
      assertThat(gate.exec("nft", "list", "tables").requireSuccess()).doesNotContain("simgate");
    });
    kubectl.run("-n", TENANT, "delete", "devicesubnet", "lab-sims", "--wait=true");
    kubectl.run("delete", "virtualprivategateway", "lab-vpg", "--wait=true");
    kubectl.helm("uninstall", "simgate", "--namespace", SYSTEM, "--wait");
    kubectl.run("delete", "crd", "virtualprivategateways.simgate.dev", "gatepeers.simgate.dev",
        "devicesubnets.simgate.dev");
    kubectl.run("delete", "namespace", SYSTEM, TENANT, "--wait=true");
  }

  // ---------------------------------------------------------------------------------------------------------------

  private static final String RESOURCES = """
      apiVersion: simgate.dev/v1alpha1
      kind: VirtualPrivateGateway
      metadata: {name: lab-vpg}
      spec:
        deviceSubnet: 10.128.0.0/9
        peers: [%s, %s]
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
      metadata: {name: lab-sims, namespace: factory}
      spec:
        vpgRef: lab-vpg
        cidrs: [10.128.0.0/16]
        podSelector: {matchLabels: {app: telemetry}}
        devices:
          - {name: sim-3, address: %s}
      """.formatted(Lab.VPG1_OUTER, Lab.VPG2_OUTER, Lab.SIM3);

  /** Takes TCP connections one after another and prints each line received, and when a connection starts or ends. */
  private static final String LINE_SINK = """
      import socket, sys
      server = socket.socket()
      server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      server.bind(("0.0.0.0", int(sys.argv[1])))
      server.listen(1)
      count = 0
      while True:
          connection, _ = server.accept()
          count += 1
          print("connection", count, flush=True)
          for line in connection.makefile("r"):
              print("line", line.strip(), flush=True)
          print("closed", count, flush=True)
      """;
  /** Sends a numbered datagram every millisecond until the stop file appears. */
  private static final String UDP_SOURCE = """
      import os, socket, sys, time
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      seq = 0
      while not os.path.exists(sys.argv[3]):
          try:
              s.sendto(b"%d" % seq, (sys.argv[1], int(sys.argv[2])))
          except OSError:
              pass
          seq += 1
          time.sleep(0.001)
      """;
  /** Counts numbered datagrams until 5 s of silence; prints received, sent (highest number + 1), longest gap in ms. */
  private static final String UDP_SINK = """
      import socket, sys, time
      s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
      s.bind(("0.0.0.0", int(sys.argv[1])))
      received, highest, gap, last = 0, -1, 0.0, None
      while True:
          s.settimeout(None if last is None else 5)
          try:
              data = s.recv(64)
          except socket.timeout:
              break
          now = time.time()
          if last is not None:
              gap = max(gap, now - last)
          last, received, highest = now, received + 1, max(highest, int(data))
      print(received, highest + 1, int(gap * 1000), flush=True)
      """;

  private static long lines(Path received) throws IOException {
    return Files.readAllLines(received).stream().filter(l -> l.startsWith("line ")).count();
  }

  private static Pod onlyAgent(KubernetesClient client) {
    List<Pod> pods = client.pods().inNamespace(SYSTEM).withLabel("app.kubernetes.io/name", "simgate-agent").list()
        .getItems().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).toList();
    assertThat(pods).hasSize(1);
    return pods.getFirst();
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> nodePeers(KubernetesClient client) {
    Map<String, Object> status = status(client, "GatePeer", "lab");
    List<Map<String, Object>> nodes = (List<Map<String, Object>>) status.get("nodes");
    assertThat(nodes).hasSize(1);
    List<Map<String, Object>> peers = (List<Map<String, Object>>) nodes.getFirst().get("vpgPeers");
    assertThat(peers).as("the node's VPG peers in status").isNotNull();
    return peers;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> vpgPeers(KubernetesClient client) {
    List<Map<String, Object>> peers = (List<Map<String, Object>>) status(client, "VirtualPrivateGateway", "lab-vpg")
        .get("vpgPeers");
    assertThat(peers).as("the VPG's peers in status").isNotNull();
    return peers;
  }

  @SuppressWarnings("unchecked")
  private static String readyMessage(KubernetesClient client) {
    List<Map<String, Object>> conditions = (List<Map<String, Object>>) status(client, "GatePeer", "lab")
        .get("conditions");
    return conditions.stream().filter(c -> "Ready".equals(c.get("type"))).map(c -> (String) c.get("message"))
        .findFirst().orElse("");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> status(KubernetesClient client, String kind, String name) {
    GenericKubernetesResource resource = client.genericKubernetesResources("simgate.dev/v1alpha1", kind)
        .withName(name).get();
    return (Map<String, Object>) resource.getAdditionalProperties().get("status");
  }

  /** Events of a type about a cluster-scoped object (they are in "default"), as "Reason: message". */
  private static List<String> events(KubernetesClient client, String name, String type) {
    return client.v1().events().inNamespace("default").list().getItems().stream()
        .filter(e -> name.equals(e.getInvolvedObject().getName()) && type.equals(e.getType()))
        .map(e -> e.getReason() + ": " + e.getMessage()).toList();
  }
}
