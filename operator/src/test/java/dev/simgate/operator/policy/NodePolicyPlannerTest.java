package dev.simgate.operator.policy;

import static dev.simgate.operator.policy.PolicyFixtures.TELEMETRY;
import static dev.simgate.operator.policy.PolicyFixtures.cidrs;
import static dev.simgate.operator.policy.PolicyFixtures.gate;
import static dev.simgate.operator.policy.PolicyFixtures.noSteering;
import static dev.simgate.operator.policy.PolicyFixtures.pod;
import static dev.simgate.operator.policy.PolicyFixtures.subnet;
import static dev.simgate.operator.policy.PolicyFixtures.targets;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicy.Access;
import dev.simgate.contract.nodepolicy.NodePolicy.Gate;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import dev.simgate.operator.policy.PolicyPods.PodAddress;
import dev.simgate.operator.routes.RangeClaims;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;

class NodePolicyPlannerTest {
  static final String NODE = "node-3";

  static PolicyView view(List<AcceptedSubnet> subnets) {
    return new PolicyView(subnets, List.of(), noSteering(), targets());
  }

  @Test
  void aPodMayReachTheCidrsOfTheDeviceSubnetsOfItsNamespaceThatSelectIt() {
    AcceptedSubnet factory = subnet("factory", "sims", "vpg", TELEMETRY, List.of(), "10.128.0.0/16");
    AcceptedSubnet meters = subnet("factory", "meters", "vpg", new LabelSelectorBuilder()
        .addNewMatchExpression().withKey("tier").withOperator("In").withValues("edge", "core").endMatchExpression()
        .build(), List.of(), "10.130.0.0/16", "10.129.0.0/16");
    AcceptedSubnet billing = subnet("billing", "sims", "vpg", TELEMETRY, List.of(), "10.131.0.0/16");
    List<PodAddress> pods = List.of(
        pod("factory", "a", NODE, "10.88.3.7", Map.of("app", "telemetry")),
        pod("factory", "b", NODE, "10.88.3.2", Map.of("app", "telemetry", "tier", "edge")),
        pod("factory", "c", NODE, "10.88.3.9", Map.of("app", "billing")),
        // Same labels in another namespace: never this namespace's DeviceSubnets.
        pod("other", "d", NODE, "10.88.3.4", Map.of("app", "telemetry", "tier", "edge")),
        // Another node's pod is that node's business.
        pod("factory", "e", "node-1", "10.88.1.5", Map.of("app", "telemetry")));

    NodePolicy policy = NodePolicyPlanner.plan(NODE, pods, view(List.of(billing, factory, meters)));

    assertThat(policy.node()).isEqualTo(NODE);
    assertThat(policy.access()).containsExactly(
        new Access("factory/meters", addresses("10.88.3.2"), cidrs("10.129.0.0/16", "10.130.0.0/16")),
        new Access("factory/sims", addresses("10.88.3.2", "10.88.3.7"), cidrs("10.128.0.0/16")));
  }

  @Test
  void anUnsetSelectorSelectsNoPodAndAnEmptyOneEveryPodOfTheNamespace() {
    List<PodAddress> pods = List.of(pod("factory", "a", NODE, "10.88.3.7", Map.of("app", "telemetry")),
        pod("factory", "b", NODE, "10.88.3.8", Map.of()), pod("other", "c", NODE, "10.88.3.9", Map.of()));
    assertThat(NodePolicyPlanner.plan(NODE, pods, view(List.of(subnet("factory", "sims", "vpg", null, List.of(),
        "10.128.0.0/16")))).access()).isEmpty();
    assertThat(NodePolicyPlanner.plan(NODE, pods, view(List.of(subnet("factory", "sims", "vpg", new LabelSelector(),
        List.of(), "10.128.0.0/16")))).access()).singleElement()
        .satisfies(a -> assertThat(a.sources()).isEqualTo(addresses("10.88.3.7", "10.88.3.8")));
  }

  @Test
  void aDeviceSubnetWithoutARoutableCidrGivesNoAccess() {
    List<PodAddress> pods = List.of(pod("factory", "a", NODE, "10.88.3.7", Map.of("app", "telemetry")));
    assertThat(NodePolicyPlanner.plan(NODE, pods, view(List.of(subnet("factory", "sims", "vpg", TELEMETRY, List.of()))))
        .access()).isEmpty();
  }

  @Test
  void thousandsOfPodsMakeOneSortedDocumentWhateverTheOrderTheyCameIn() {
    AcceptedSubnet factory = subnet("factory", "sims", "vpg", new LabelSelector(), List.of(), "10.128.0.0/16");
    List<PodAddress> pods = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      pods.add(pod("factory", "p" + i, NODE, "10.88." + (i / 250) + "." + (i % 250 + 1), Map.of()));
    }
    String json = NodePolicyCodec.write(NodePolicyPlanner.plan(NODE, pods, view(List.of(factory))));
    Collections.shuffle(pods, new Random(7));
    assertThat(NodePolicyCodec.write(NodePolicyPlanner.plan(NODE, pods, view(List.of(factory))))).isEqualTo(json);
    List<Ipv4> sources = NodePolicyPlanner.plan(NODE, pods, view(List.of(factory))).access().getFirst().sources();
    assertThat(sources).hasSize(10_000).isSorted();
    assertThat(sources.getFirst()).isEqualTo(Ipv4.parse("10.88.0.1"));
  }

  @Test
  void steeringListsTheReadyGateNodesOfEachCidrsVpgNeverTheNodeItself() throws ConfigException {
    AcceptedSubnet a = subnet("factory", "sims", "vpg-a", TELEMETRY, List.of(), "10.128.0.0/16");
    AcceptedSubnet b = subnet("billing", "sims", "vpg-b", TELEMETRY, List.of(), "10.200.0.0/16");
    List<GateNode> gates = List.of(gate("node-1", "vpg-a", "10.255.255.1", true),
        gate("node-2", "vpg-a", "10.255.255.2", true), gate("node-4", "vpg-b", "10.254.0.1", false));
    SteeringPlan steering = new SteeringPlan(PolicyFixtures.SETTINGS, List.of(
        new SteeringNode("node-1", Ipv4.parse("192.0.2.11"), Ipv4.parse("198.18.0.1"), true),
        new SteeringNode("node-2", Ipv4.parse("192.0.2.12"), Ipv4.parse("198.18.0.2"), true),
        new SteeringNode("node-3", Ipv4.parse("192.0.2.13"), Ipv4.parse("198.18.0.3"), false)), null);
    PolicyView view = new PolicyView(List.of(a, b), gates, steering, targets());

    // Two ready gate nodes; none ready (vpg-b): listed without a gate, so the node makes it unreachable.
    NodePolicy.Steering own = NodePolicyPlanner.plan("node-3", List.of(), view).steering();
    assertThat(own.nodes()).as("the nodes and routes are the table's, not in every node's own document").isEmpty();
    assertThat(own.routes()).isEmpty();
    NodePolicy.Steering plain = inForce("node-3", view).steering();
    assertThat(plain.vni()).isEqualTo(5347);
    assertThat(plain.port()).isEqualTo(8479);
    assertThat(plain.localAddress()).isEqualTo(Ipv4.parse("192.0.2.13"));
    assertThat(plain.address()).isEqualTo(Cidr.parse("198.18.0.3/16"));
    assertThat(plain.nodes()).extracting(SteeringNode::name).containsExactly("node-1", "node-2", "node-3");
    assertThat(plain.routes()).extracting(r -> r.destination().toString()).containsExactly("10.128.0.0/16",
        "10.200.0.0/16");
    assertThat(plain.routes().get(0).gates()).containsExactly(new Gate("node-1", Ipv4.parse("10.255.255.1")),
        new Gate("node-2", Ipv4.parse("10.255.255.2")));
    assertThat(plain.routes().get(1).gates()).isEmpty();
    // On a gate node: the other gate node only (one ready gate left).
    assertThat(inForce("node-1", view).steering().routes().get(0).gates())
        .containsExactly(new Gate("node-2", Ipv4.parse("10.255.255.2")));
    // A node without a steering address, or a pool that cannot be used: no steering.
    assertThat(NodePolicyPlanner.plan("node-9", List.of(), view).steering()).isNull();
    assertThat(NodePolicyPlanner.plan("node-3", List.of(), new PolicyView(List.of(a), gates,
        new SteeringPlan(PolicyFixtures.SETTINGS, steering.members(), "overlaps"), targets())).steering()).isNull();
  }

  @Test
  void aCidrThatAnotherVpgCarriesFirstIsNeitherSteeredNorAllowed() {
    // SORACOM gives every VPG 10.128.0.0/9: two VPGs' DeviceSubnets may hold the same range.
    AcceptedSubnet first = subnet("alpha", "sims", "vpg-a", new LabelSelector(), List.of(), "10.128.0.0/16");
    AcceptedSubnet second = subnet("beta", "sims", "vpg-b", new LabelSelector(), List.of(), "10.128.5.0/24",
        "10.140.0.0/16");
    PolicyView view = new PolicyView(List.of(first, second), List.of(gate("node-1", "vpg-a", "10.255.255.1", true),
        gate("node-2", "vpg-b", "10.255.255.1", true)), noSteering(), targets());
    List<PodAddress> pods = List.of(pod("beta", "p", NODE, "10.88.3.4", Map.of()));

    assertThat(view.carriers()).containsOnlyKeys(Cidr.parse("10.128.0.0/16"), Cidr.parse("10.140.0.0/16"));
    assertThat(NodePolicyPlanner.plan(NODE, pods, view).access()).singleElement()
        .satisfies(a -> assertThat(a.destinations()).containsExactly(Cidr.parse("10.140.0.0/16")));
  }

  @Test
  void exposuresAreOnTheGateNodesOfTheDeviceSubnetsVpgAndNeedAReadyEndpoint() {
    RangeClaims.Exposure web = new RangeClaims.Exposure("web", "http", "TCP", 8080);
    RangeClaims.Exposure dns = new RangeClaims.Exposure("dns", "53", "UDP", 53);
    AcceptedSubnet factory = subnet("factory", "sims", "vpg-a", null, List.of(web, dns), "10.128.0.0/16");
    List<GateNode> gates = List.of(gate("node-1", "vpg-a", "10.255.255.1", true),
        gate("node-2", "vpg-a", "10.255.255.2", false), gate("node-4", "vpg-b", "10.254.0.1", true));
    PolicyView.ExposureTargets targets = (namespace, e) -> e.service().equals("web")
        ? new ServiceTargets.Resolution(List.of(new NodePolicy.Target(Ipv4.parse("10.88.1.5"), 8080)), null)
        : new ServiceTargets.Resolution(List.of(), "no ready endpoint");
    PolicyView view = new PolicyView(List.of(factory), gates, noSteering(), targets);

    assertThat(NodePolicyPlanner.plan("node-1", List.of(), view).exposures()).singleElement().satisfies(e -> {
      assertThat(e.owner()).isEqualTo("factory/sims/web:http");
      assertThat(e.protocol()).isEqualTo(NodePolicy.Protocol.TCP);
      assertThat(e.address()).isEqualTo(Ipv4.parse("10.255.255.1"));
      assertThat(e.port()).isEqualTo(8080);
      assertThat(e.sources()).isEqualTo(cidrs("10.128.0.0/16"));
      assertThat(e.targets()).containsExactly(new NodePolicy.Target(Ipv4.parse("10.88.1.5"), 8080));
    });
    // A gate node whose agent is not ready exposes too (its tunnel decides whether SIMs get there).
    assertThat(NodePolicyPlanner.plan("node-2", List.of(), view).exposures()).extracting(NodePolicy.Exposure::address)
        .containsExactly(Ipv4.parse("10.255.255.2"));
    assertThat(NodePolicyPlanner.plan("node-4", List.of(), view).exposures()).as("another VPG's gate node").isEmpty();
    assertThat(NodePolicyPlanner.plan(NODE, List.of(), view).exposures()).as("not a gate node").isEmpty();
  }

  static List<Ipv4> addresses(String... texts) {
    return Arrays.stream(texts).map(Ipv4::parse).toList();
  }

  /** The policy the node agent puts in force: the node's own document joined with the steering table. */
  private static NodePolicy inForce(String node, PolicyView view) throws ConfigException {
    return NodePolicyCodec.join(NodePolicyCodec.write(NodePolicyPlanner.plan(node, List.of(), view)),
        NodePolicyCodec.writeTable(view.steering().members(), NodePolicyPlanner.routes(view)));
  }
}
