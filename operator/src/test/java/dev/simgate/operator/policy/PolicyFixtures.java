package dev.simgate.operator.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import dev.simgate.operator.policy.PolicyPods.PodAddress;
import dev.simgate.operator.routes.RangeClaims;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;

/** Small builders for the policy tests. */
final class PolicyFixtures {
  static final LabelSelector TELEMETRY = new LabelSelectorBuilder().addToMatchLabels("app", "telemetry").build();
  static final PolicySettings SETTINGS = PolicySettings.DEFAULT;

  private PolicyFixtures() {}

  static List<Cidr> cidrs(String... texts) {
    return Arrays.stream(texts).map(Cidr::parse).toList();
  }

  static AcceptedSubnet subnet(String namespace, String name, String vpg, LabelSelector selector,
      List<RangeClaims.Exposure> exposures, String... cidrs) {
    return new AcceptedSubnet("uid-" + namespace + "-" + name, namespace, name, vpg, cidrs(cidrs),
        new RangeClaims.Terms(selector, exposures));
  }

  static PodAddress pod(String namespace, String name, String node, String ip, Map<String, String> labels) {
    return new PodAddress(namespace, name, labels, node, Ipv4.parse(ip));
  }

  static GateNode gate(String node, String vpg, String inner, boolean ready) {
    return new GateNode(node, vpg, Ipv4.parse(inner), ready);
  }

  /** A view with no steering problem and no member but those given, and exposures that resolve to {@code targets}. */
  static PolicyView view(List<AcceptedSubnet> subnets, List<GateNode> gates, SteeringPlan steering,
      PolicyView.ExposureTargets targets) {
    return new PolicyView(subnets, gates, steering, targets);
  }

  static PolicyView.ExposureTargets targets(String... addressPorts) {
    List<Target> list = Arrays.stream(addressPorts).map(t -> new Target(Ipv4.parse(t.substring(0, t.indexOf(':'))),
        Integer.parseInt(t.substring(t.indexOf(':') + 1)))).toList();
    return (namespace, exposure) -> new ServiceTargets.Resolution(list, list.isEmpty() ? "no ready endpoint" : null);
  }

  static SteeringPlan noSteering() {
    return new SteeringPlan(SETTINGS, List.of(), "no steering in this test");
  }
}
