package dev.simgate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The node agent without Kubernetes (issue 9, items 2-4), on a lab of two gate nodes ({@code node}, {@code node2}:
 * gate agent and node agent each, a server behind {@code node}) and a plain node ({@code plain}: node agent only,
 * {@code pod1} and {@code pod2} behind it), each node agent reading its policy from a file: the plain node steers an
 * allowed pod's traffic over the steering VXLAN to the gate nodes and refuses the other pod; the gates' liveness moves
 * traffic between them; a SIM reaches an exposed listener behind a gate node and nothing else; the node agents adopt
 * what a killed one left and remove everything when stopped. Behaviour only, no timings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SteeringLabIT {
  private static final Duration CHANGE = Duration.ofSeconds(30);
  private static final String NO_ACCESS = "simgate_node_dropped_packets_total{reason=\"no_access\"}";
  private static final String DENIED_FACTORY = "simgate_node_access_denied_packets_total{owner=\"factory/sims\"}";
  private static final String GATES_UP = "simgate_node_gates{state=\"up\"}";
  private static final String GATES_DOWN = "simgate_node_gates{state=\"down\"}";
  private static final int EXPOSED_PORT = 8080;
  private static final int LISTENER = 81;

  private Lab.Options options;
  private Lab lab;
  private LabSteering steering;
  private Traffic traffic;
  private AgentProcess gateA;
  private AgentProcess gateB;
  private NodeAgentProcess nodeA;
  private NodeAgentProcess nodeB;
  private NodeAgentProcess plain;

  @BeforeAll
  void up() throws IOException {
    options = Lab.Options.agent(1).withServerAndDeviceMtu().withGates(2).withPlain().withSpoofer();
    lab = Lab.up(options);
    steering = new LabSteering(options);
    traffic = new Traffic(lab);
    gateA = AgentProcess.start(lab, "node", LabSteering.gateAgent(lab, "node"));
    gateB = AgentProcess.start(lab, "node2", LabSteering.gateAgent(lab, "node2"));
    nodeA = NodeAgentProcess.start(lab, "node", steering.policy("node", List.of(), List.of(exposure())));
    nodeB = NodeAgentProcess.start(lab, "node2", steering.policy("node2", List.of(), List.of()));
    plain = NodeAgentProcess.start(lab, "plain", plainPolicy(Lab.POD1));
    await().atMost(CHANGE).until(() -> plain.metric(GATES_UP) == 2);
  }

  @AfterAll
  void down() {
    for (AutoCloseable process : new AutoCloseable[] {plain, nodeB, nodeA, gateB, gateA}) {
      try {
        if (process != null) {
          process.close();
        }
      } catch (Exception e) {
        // the lab goes anyway
      }
    }
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  @Order(1)
  void anAllowedPodReachesASimThroughTheGateNodesAndTheOtherPodIsRefusedAtItsNode() throws IOException {
    assertThat(lab.run("plain", "ip", "route", "get", Lab.SIM1)).as("steered").contains("dev sgsteer0");
    assertThat(traffic.ping("pod1", Lab.SIM1, 3)).as("ping pod1 -> SIM").isTrue();
    assertThat(traffic.tcpTransfer("pod1", "sim1", Lab.SIM1, 2 << 20)).as("2 MiB pod1 -> SIM").isTrue();
    assertThat(traffic.tcpDownload("pod1", "sim1", Lab.SIM1, 2 << 20)).as("2 MiB SIM -> pod1").isTrue();
    assertThat(sourceSeenBy("sim1", Lab.SIM1, "pod1")).as("the SIM sees a gate node's inner address")
        .isIn(Lab.NODE_INNER, Lab.NODE2_INNER);

    double refused = plain.metric(NO_ACCESS);
    double denied = plain.metric(DENIED_FACTORY);
    assertThat(traffic.ping("pod2", Lab.SIM1, 2)).as("pod2 has no access").isFalse();
    assertThat(traffic.tcpGreeting("pod2", Lab.SIM1, 22)).isEmpty();
    assertThat(plain.metric(NO_ACCESS) - refused).as("refused at pod2's node, counted").isGreaterThanOrEqualTo(3);
    assertThat(plain.metric(DENIED_FACTORY) - denied).as("as sent to factory/sims' CIDR").isGreaterThanOrEqualTo(3);
  }

  @Test
  @Order(2)
  void aSimReachesAnExposedListenerBehindTheGateNodeAndNothingElse() throws IOException {
    Path log = Files.createTempFile(lab.workDir(), "exposed-", ".log");
    Process listener = lab.start("srv", log, "socat", "TCP-LISTEN:" + LISTENER + ",reuseaddr,fork",
        "SYSTEM:echo $SOCAT_PEERADDR");
    Process unexposed = traffic.tcpListener("srv", 80);
    try {
      double exposed = nodeA.metric("simgate_node_exposed_connections_total");
      await().atMost(CHANGE).until(() -> !traffic.tcpGreeting("sim1", Lab.NODE_INNER, EXPOSED_PORT).isEmpty());
      // Masqueraded toward the cluster, so the reply returns through this gate node (pods route device addresses to
      // any gate node: a transparent source would be answered asymmetrically).
      assertThat(traffic.tcpGreeting("sim1", Lab.NODE_INNER, EXPOSED_PORT)).as("the listener sees the gate node")
          .isEqualTo("192.168.50.1");
      assertThat(nodeA.metric("simgate_node_exposed_connections_total")).isGreaterThan(exposed);

      double toNode = gateA.metric("simgate_policy_dropped_packets_total{reason=\"inbound_to_node\"}");
      assertThat(traffic.tcpGreeting("sim1", Lab.NODE_INNER, EXPOSED_PORT + 1)).as("an unexposed port").isEmpty();
      assertThat(traffic.tcpGreeting("sim1", Lab.SERVER, 80)).as("the server itself").isEmpty();
      assertThat(traffic.tcpGreeting("sim1", Lab.NODE2_INNER, EXPOSED_PORT)).as("the other gate exposes nothing")
          .isEmpty();
      assertThat(gateA.metric("simgate_policy_dropped_packets_total{reason=\"inbound_to_node\"}"))
          .isGreaterThan(toNode);
    } finally {
      listener.destroyForcibly();
      unexposed.destroyForcibly();
    }
  }

  @Test
  @Order(3)
  void aNewPolicyMovesAccessAndABadOneIsRefusedWhole() throws IOException {
    plain.writePolicy(plainPolicy(Lab.POD2));
    assertThat(traffic.ping("pod2", Lab.SIM1, 2)).as("pod2 now allowed").isTrue();
    assertThat(traffic.ping("pod1", Lab.SIM1, 2)).as("pod1 no more").isFalse();

    plain.writePolicyText("{\"node\": \"plain\", \"access\": [{\"owner\": \"x/y\", \"sources\": [\"10.88.1\"]}]}");
    await().atMost(CHANGE).until(() -> plain.readyz().startsWith("503"));
    assertThat(plain.readyz()).contains("policy refused", "access[0].sources[0]", "the previous one is in force");
    assertThat(traffic.ping("pod2", Lab.SIM1, 2)).as("the running policy stays").isTrue();
    plain.writePolicyText(com.fasterxml.jackson.databind.json.JsonMapper.builder().build().createObjectNode()
        .put("node", "node2").toString());
    await().atMost(CHANGE).until(() -> plain.readyz().contains("written for node 'node2'"));

    plain.writePolicy(plainPolicy(Lab.POD1));
    assertThat(plain.readyz()).startsWith("200");
    assertThat(traffic.ping("pod1", Lab.SIM1, 2)).isTrue();
  }

  @Test
  @Order(4)
  void trafficLeavesAGateThatStopsAndWithNoneThePodGetsNoRouteToHost() throws IOException {
    // Gate node 1's interface goes down (what its agent does when its tunnel leads nowhere): plain stops using it.
    lab.run("node", "ip", "link", "set", "simgate0", "down");
    await().atMost(CHANGE).until(() -> plain.metric(GATES_DOWN) == 1);
    assertThat(steeringRoute()).contains(Lab.NODE2_INNER).doesNotContain(Lab.NODE_INNER);
    assertThat(traffic.ping("pod1", Lab.SIM1, 3)).as("through node2").isTrue();

    // Its agent stops (the interface goes); then the other gate's agent stops too.
    gateA.terminate(Duration.ofSeconds(20));
    gateB.terminate(Duration.ofSeconds(20));
    await().atMost(CHANGE).until(() -> plain.metric(GATES_DOWN) == 2);
    assertThat(steeringRoute()).as("only the last resort is left").isBlank();
    Lab.Result connect = lab.exec("pod1", "socat", "-u", "/dev/null", "TCP:" + Lab.SIM1 + ":22,connect-timeout=10");
    assertThat(connect.errors()).as("a clear error, not a hang").contains("No route to host");
    assertThat(lab.exec("pod1", "ping", "-c", "1", "-W", "5", Lab.SIM1).output()).contains("Unreachable");

    gateB = AgentProcess.start(lab, "node2", LabSteering.gateAgent(lab, "node2"));
    await().atMost(CHANGE).until(() -> traffic.ping("pod1", Lab.SIM1, 1));
    gateA = AgentProcess.start(lab, "node", LabSteering.gateAgent(lab, "node"));
    await().atMost(CHANGE).until(() -> plain.metric(GATES_UP) == 2);
    assertThat(steeringRoute()).contains(Lab.NODE_INNER, Lab.NODE2_INNER);
    assertThat(traffic.ping("pod1", Lab.SIM1, 3)).isTrue();
  }

  @Test
  @Order(5)
  void theSteeringPortTakesNodesOnly() throws IOException {
    double before = plain.metric("simgate_node_dropped_packets_total{reason=\"steering_non_node\"}");
    Path payload = Files.createTempFile(lab.workDir(), "steering-", ".bin");
    Files.write(payload, new byte[64]);
    lab.run("spoofer", "socat", "-u", "FILE:" + payload, "UDP:" + Lab.PLAIN_OUTER + ":" + LabSteering.PORT);
    await().atMost(CHANGE).until(
        () -> plain.metric("simgate_node_dropped_packets_total{reason=\"steering_non_node\"}") > before);
  }

  @Test
  @Order(6)
  void aNodeAgentKilledLeavesTheNodeAsItWasAndTheNextOneAdoptsIt() throws IOException {
    String link = lab.run("plain", "ip", "-o", "link", "show", "dev", "sgsteer0");
    String routes = lab.run("plain", "ip", "route", "show", "table", "main", "proto", "83");
    plain.kill();
    assertThat(lab.run("plain", "ip", "-o", "link", "show", "dev", "sgsteer0")).isEqualTo(link);
    assertThat(traffic.ping("pod1", Lab.SIM1, 2)).as("the kernel keeps steering meanwhile").isTrue();

    plain.launch();
    plain.awaitReady(Duration.ofSeconds(30));
    await().atMost(CHANGE).until(() -> plain.metric(GATES_UP) == 2);
    assertThat(lab.run("plain", "ip", "-o", "link", "show", "dev", "sgsteer0")).as("the same device, adopted")
        .isEqualTo(link);
    assertThat(lab.run("plain", "ip", "route", "show", "table", "main", "proto", "83")).isEqualTo(routes);
    assertThat(lab.run("plain", "nft", "list", "tables")).containsOnlyOnce("simgate_node");
    assertThat(traffic.ping("pod1", Lab.SIM1, 2)).isTrue();
    assertThat(traffic.ping("pod2", Lab.SIM1, 1)).isFalse();
  }

  /** Claims to have proved CAP_NET_ADMIN without doing it, as an unprivileged local process. */
  private static final String FALSE_SUCCESSOR = """
      import socket
      s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
      s.connect("\\0simgate-node-agent")
      s.send(b"simgate-node-handover/1")
      print(s.recv(512).decode())
      s.send(b"proved")
      print(s.recv(512).decode())
      """;

  @Test
  @Order(7)
  void aSuccessorTakesTheNodeOverAndTheStoppedPredecessorRemovesNothing() throws Exception {
    String refused = lab.run("plain", "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
        "/usr/bin/python3", "-c", FALSE_SUCCESSOR);
    assertThat(refused).contains("prove ", "refuse no table");
    assertThat(plain.readyz()).as("still in charge").startsWith("200");

    String link = lab.run("plain", "ip", "-o", "link", "show", "dev", "sgsteer0");
    String routes = lab.run("plain", "ip", "route", "show", "table", "main", "proto", "83");
    NodeAgentProcess predecessor = plain;
    Traffic.TcpSession session = traffic.session("pod1", "sim1", Lab.SIM1);
    plain = NodeAgentProcess.start(lab, "plain", plainPolicy(Lab.POD1));
    await().atMost(CHANGE).until(() -> predecessor.log().contains("handed the node over"));
    plain.awaitReady(Duration.ofSeconds(30));
    assertThat(predecessor.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    assertThat(lab.run("plain", "ip", "-o", "link", "show", "dev", "sgsteer0")).as("the same device").isEqualTo(link);
    assertThat(lab.run("plain", "ip", "route", "show", "table", "main", "proto", "83")).isEqualTo(routes);
    assertThat(lab.run("plain", "nft", "list", "tables")).containsOnlyOnce("simgate_node").doesNotContain("handover");
    assertThat(session.stop()).as("one connection through the handover").startsWith("ok");
    assertThat(traffic.ping("pod2", Lab.SIM1, 1)).as("still refused").isFalse();
  }

  @Test
  @Order(8)
  void stoppedNodeAgentsLeaveNothingBehind() throws IOException {
    for (NodeAgentProcess agent : List.of(plain, nodeA, nodeB)) {
      assertThat(agent.terminate(Duration.ofSeconds(20))).isEqualTo(143);
      String role = agent.role();
      assertThat(lab.exec(role, "ip", "link", "show", "dev", "sgsteer0").ok()).as("device on %s", role).isFalse();
      assertThat(lab.run(role, "nft", "list", "tables")).as("table on %s", role).doesNotContain("simgate_node");
      assertThat(lab.run(role, "ip", "route", "show", "table", "main", "proto", "83")).as("routes on %s", role)
          .isBlank();
    }
    assertThat(lab.run("node", "ip", "route", "show", "dev", "simgate0")).as("the gate agent's own stay")
        .contains(LabSteering.SIMS1.toString());
  }

  /** The plain node's policy: {@code pod} may reach the SIMs of 10.128.1.0/24 (DeviceSubnet factory/sims). */
  private NodePolicy plainPolicy(String pod) {
    return steering.policy("plain", List.of(new NodePolicy.Access("factory/sims", List.of(Ipv4.parse(pod)),
        List.of(LabSteering.SIMS1))), List.of());
  }

  /** SIMs of 10.128.1.0/24 may open TCP connections to node's inner address:8080, which go to the server's :81. */
  private static NodePolicy.Exposure exposure() {
    return new NodePolicy.Exposure("factory/sims/echo:81", NodePolicy.Protocol.TCP, Ipv4.parse(Lab.NODE_INNER),
        EXPOSED_PORT, List.of(LabSteering.SIMS1), List.of(new NodePolicy.Target(Ipv4.parse(Lab.SERVER), LISTENER)));
  }

  /** The plain node's steering route to SIM 1's /24 (blank when there is none). */
  private String steeringRoute() throws IOException {
    return lab.run("plain", "ip", "route", "show", LabSteering.SIMS1.toString(), "proto", "83", "metric", "100");
  }

  /** The source address of a TCP connection from {@code fromRole} as {@code role} (listening on address) sees it. */
  private String sourceSeenBy(String role, String address, String fromRole) throws IOException {
    Path log = Files.createTempFile(lab.workDir(), "peer-", ".log");
    Process echo = lab.start(role, log, "socat", "TCP-LISTEN:7998,reuseaddr", "SYSTEM:echo $SOCAT_PEERADDR");
    try {
      return lab.run(fromRole, "socat", "-u", "-T", "5", "TCP:" + address + ":7998,retry=50,interval=0.1", "STDOUT")
          .strip();
    } finally {
      echo.destroyForcibly();
    }
  }
}
