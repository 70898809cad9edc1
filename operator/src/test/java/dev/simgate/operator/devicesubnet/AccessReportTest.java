package dev.simgate.operator.devicesubnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.ExposedService;
import dev.simgate.operator.api.v1alpha1.ExposedServiceStatus;
import dev.simgate.operator.api.v1alpha1.PodAccess;
import dev.simgate.operator.policy.AcceptedSubnet;
import dev.simgate.operator.policy.GateNode;
import dev.simgate.operator.policy.PolicyPods.PodAddress;
import dev.simgate.operator.policy.PolicySettings;
import dev.simgate.operator.policy.PolicyView;
import dev.simgate.operator.policy.ServiceTargets;
import dev.simgate.operator.policy.SteeringPlan;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;

class AccessReportTest {
  static final LabelSelector TELEMETRY = new LabelSelectorBuilder().addToMatchLabels("app", "telemetry").build();
  static final ExposedService WEB = new ExposedService("web", new IntOrString(80), ExposedService.Protocol.TCP, 8080);
  static final List<PodAddress> PODS = List.of(
      new PodAddress("factory", "a", Map.of("app", "telemetry"), "node-1", Ipv4.parse("10.88.1.5")),
      new PodAddress("factory", "b", Map.of("app", "telemetry"), "node-3", Ipv4.parse("10.88.3.5")),
      new PodAddress("factory", "c", Map.of(), "node-3", Ipv4.parse("10.88.3.6")));

  static DeviceSubnet spec(LabelSelector selector, ExposedService... exposed) {
    DeviceSubnet subnet = new DeviceSubnet("factory", "sims", new DeviceSubnetSpec("vpg", List.of("10.128.0.0/16"),
        List.of()));
    subnet.getSpec().podSelector = selector;
    subnet.getSpec().exposedServices = List.of(exposed);
    return subnet;
  }

  static AcceptedSubnet accepted(DeviceSubnet subnet) {
    return new AcceptedSubnet("uid", "factory", "sims", "vpg", List.of(Cidr.parse("10.128.0.0/16")),
        ClaimTerms.of(subnet));
  }

  /** The view the nodes' policies are made of, holding {@code accepted}. */
  static PolicyView view(AcceptedSubnet accepted, boolean ready, String steeringProblem, int endpoints) {
    List<Target> targets = endpoints == 0 ? List.of() : List.of(new Target(Ipv4.parse("10.88.1.9"), 8080));
    return new PolicyView(accepted == null ? List.of() : List.of(accepted), List.of(new GateNode("node-1", "vpg", Ipv4.parse("10.255.255.1"), ready),
        new GateNode("node-2", "vpg", Ipv4.parse("10.255.255.2"), ready)),
        new SteeringPlan(PolicySettings.DEFAULT, List.of(), steeringProblem),
        (namespace, e) -> new ServiceTargets.Resolution(targets, endpoints == 0 ? "Service web has no ready endpoint"
            : null));
  }

  /** The report of {@code subnet} after the operator accepted {@code acceptedAs}. */
  static AccessReport report(DeviceSubnet subnet, DeviceSubnet acceptedAs, boolean ready, String steeringProblem,
      int endpoints) {
    return AccessReport.of(subnet, Optional.of(accepted(acceptedAs)), PODS,
        view(accepted(acceptedAs), ready, steeringProblem, endpoints));
  }

  @Test
  void countsThePodsTheAcceptedSelectorSelectsAndSaysWhereSimsReachEachService() {
    DeviceSubnet subnet = spec(TELEMETRY, WEB);
    AccessReport report = report(subnet, subnet, true, null, 1);
    assertThat(report.access()).isEqualTo(new PodAccess(2, null));
    assertThat(report.exposed()).containsExactly(new ExposedServiceStatus("web", "80", "TCP", 8080,
        List.of("10.255.255.1:8080", "10.255.255.2:8080"), 1, null));
  }

  @Test
  void saysWhatStandsInTheWay() {
    DeviceSubnet unset = spec(null);
    assertThat(AccessReport.of(unset, Optional.empty(), PODS, view(null, true, null, 1)).access())
        .isEqualTo(new PodAccess(0, "nothing accepted yet: no pod may reach the SIMs (see the Ready condition)"));
    assertThat(report(unset, unset, true, null, 1).access().message())
        .startsWith("spec.podSelector is unset");
    DeviceSubnet subnet = spec(TELEMETRY, WEB);
    PodAccess degraded = report(subnet, subnet, false, "the steering pool overlaps", 0).access();
    assertThat(degraded.pods()).isEqualTo(2);
    assertThat(degraded.message()).contains("no gate node of VirtualPrivateGateway 'vpg' is ready",
        "pods on nodes that run no gate agent cannot reach the SIMs: the steering pool overlaps");
    assertThat(report(subnet, subnet, true, null, 0).exposed())
        .singleElement().extracting(ExposedServiceStatus::message).isEqualTo("Service web has no ready endpoint");
  }

  @Test
  void anEditNotYetAcceptedIsReportedAsSuchAndWhatIsInForceStaysListed() {
    DeviceSubnet before = spec(TELEMETRY, WEB);
    ExposedService api = new ExposedService("api", new IntOrString("http"), ExposedService.Protocol.TCP, 9090);
    DeviceSubnet edited = spec(new LabelSelector(), api);
    AccessReport report = report(edited, before, true, null, 1);
    assertThat(report.access().pods()).as("the accepted selector counts").isEqualTo(2);
    assertThat(report.access().message()).contains("the podSelector last accepted is in force");
    assertThat(report.exposed()).extracting(ExposedServiceStatus::service, ExposedServiceStatus::message)
        .containsExactly(tuple("api", "not accepted: see the Ready condition"),
            tuple("web", "no longer in the spec; applied until the current spec is accepted"
                + " (see the Ready condition)"));
  }
}
