package dev.simgate.lab;

import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The node policies and gate agent configs of a lab with gate nodes and a plain node ({@link Lab.Options#withGates},
 * {@link Lab.Options#withPlain}), as the operator would write them: every lab node on the steering VXLAN (VNI
 * {@value #VNI}, UDP {@value #PORT}, steering network 198.18.0.0/16 with the underlay's last octet), the SIMs' /24s
 * routed through every gate node, the gate agents routing those /24s and masquerading (as the operator renders them).
 */
public final class LabSteering {
  public static final int VNI = 4097;
  public static final int PORT = 4790;
  public static final Cidr SIMS1 = Cidr.parse("10.128.1.0/24");
  public static final Cidr SIMS2 = Cidr.parse("10.128.2.0/24");
  public static final Cidr SIMS3 = Cidr.parse("10.128.3.0/24");
  public static final List<Cidr> DEVICE_CIDRS = List.of(SIMS1, SIMS2, SIMS3);

  private final int gates;
  private final boolean plain;

  public LabSteering(Lab.Options options) {
    this.gates = options.gates();
    this.plain = options.plain();
  }

  /** The nodes on the steering VXLAN, each named as its namespace's role. */
  public List<NodePolicy.SteeringNode> nodes() {
    List<NodePolicy.SteeringNode> nodes = new ArrayList<>();
    nodes.add(node("node", Lab.NODE_OUTER, true));
    if (gates == 2) {
      nodes.add(node("node2", Lab.NODE2_OUTER, true));
    }
    if (plain) {
      nodes.add(node("plain", Lab.PLAIN_OUTER, false));
    }
    return nodes;
  }

  /** The gates and their inner addresses, every device CIDR through all of them. */
  public List<NodePolicy.Route> routes() {
    List<NodePolicy.Gate> gateList = new ArrayList<>(List.of(new NodePolicy.Gate("node", Ipv4.parse(Lab.NODE_INNER))));
    if (gates == 2) {
      gateList.add(new NodePolicy.Gate("node2", Ipv4.parse(Lab.NODE2_INNER)));
    }
    return DEVICE_CIDRS.stream().map(cidr -> new NodePolicy.Route(cidr, gateList)).toList();
  }

  /** The policy of the node in {@code role}, with these access entries and exposures. */
  public NodePolicy policy(String role, List<NodePolicy.Access> access, List<NodePolicy.Exposure> exposures) {
    NodePolicy.SteeringNode self = nodes().stream().filter(n -> n.name().equals(role)).findFirst().orElseThrow();
    return new NodePolicy(role, access, new NodePolicy.Steering(VNI, PORT, 1450, self.underlay(),
        new Cidr(self.address(), 16), nodes(), routes()), exposures);
  }

  /** The gate agent of {@code role} ({@code node} or {@code node2}): the lab's config, routing and masquerading. */
  public static AgentConfig gateAgent(Lab lab, String role) {
    AgentConfig base = lab.agentConfig();
    NodeAddresses addresses = role.equals("node2") ? Lab.NODE2 : Lab.NODE;
    Settings settings = base.settings().withRoutes(DEVICE_CIDRS).withMasquerade(true);
    return new AgentConfig(settings, addresses);
  }

  private static NodePolicy.SteeringNode node(String name, String underlay, boolean gate) {
    Ipv4 outer = Ipv4.parse(underlay);
    Ipv4 steering = new Ipv4(Ipv4.parse("198.18.0.0").bits() | (outer.bits() & 0xff));
    return new NodePolicy.SteeringNode(name, outer, steering, gate);
  }
}
