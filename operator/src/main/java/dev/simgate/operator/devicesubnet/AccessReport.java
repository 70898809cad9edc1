package dev.simgate.operator.devicesubnet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.ExposedServiceStatus;
import dev.simgate.operator.api.v1alpha1.PodAccess;
import dev.simgate.operator.policy.AcceptedSubnet;
import dev.simgate.operator.policy.GateNode;
import dev.simgate.operator.policy.PolicyPods.PodAddress;
import dev.simgate.operator.policy.PolicyView;
import dev.simgate.operator.policy.ServiceTargets;
import dev.simgate.operator.routes.RangeClaims;

/**
 * Pure: what a DeviceSubnet's status says about the node policies, from the same accepted state they are made of:
 * how many pods may reach its SIMs, where its SIMs reach each exposed Service, and what stands in the way.
 *
 * @param access {@code status.access}
 * @param exposed {@code status.exposedServices}: the spec's entries in order, then accepted ones the spec no longer has
 */
public record AccessReport(PodAccess access, List<ExposedServiceStatus> exposed) {

  /**
   * @param accepted the DeviceSubnet as the operator accepted it, or empty when it holds nothing
   * @param podsOfNamespace the pods of its namespace that may be given access
   */
  public static AccessReport of(DeviceSubnet subnet, Optional<AcceptedSubnet> accepted,
      Collection<PodAddress> podsOfNamespace, PolicyView view) {
    return new AccessReport(access(subnet, accepted, podsOfNamespace, view), exposed(subnet, accepted, view));
  }

  static PodAccess access(DeviceSubnet subnet, Optional<AcceptedSubnet> accepted, Collection<PodAddress> pods,
      PolicyView view) {
    if (accepted.isEmpty()) {
      return new PodAccess(0, "nothing accepted yet: no pod may reach the SIMs (see the Ready condition)");
    }
    AcceptedSubnet in = accepted.get();
    if (in.terms().podSelector() == null) {
      return new PodAccess(0, "spec.podSelector is unset: no pod may reach the SIMs ({} selects every pod of the"
          + " namespace)");
    }
    if (view.allowed(in).isEmpty()) {
      return new PodAccess(0, "no CIDR of it is routed (see status.routed and the Ready condition)");
    }
    int count = (int) pods.stream().filter(in::selects).count();
    List<String> why = new ArrayList<>();
    if (!Objects.equals(in.terms().podSelector(), subnet.getSpec().podSelector)) {
      why.add("the podSelector last accepted is in force, not the current one (see the Ready condition)");
    }
    List<GateNode> gates = view.gatesOf(in.vpg());
    if (gates.stream().noneMatch(GateNode::ready)) {
      why.add("no gate node of VirtualPrivateGateway '" + in.vpg() + "' is ready: pods get an error at once");
    }
    if (view.steering().problem() != null) {
      why.add("pods on nodes that run no gate agent cannot reach the SIMs: " + view.steering().problem());
    }
    if (view.allowed(in).size() < in.cidrs().size()) {
      why.add("CIDRs that another VirtualPrivateGateway's DeviceSubnet routes first are not reachable: "
          + in.cidrs().stream().filter(c -> !view.allowed(in).contains(c)).toList());
    }
    return new PodAccess(count, why.isEmpty() ? null : String.join("; ", why));
  }

  static List<ExposedServiceStatus> exposed(DeviceSubnet subnet, Optional<AcceptedSubnet> accepted, PolicyView view) {
    List<RangeClaims.Exposure> wanted = ClaimTerms.of(subnet).exposures();
    List<RangeClaims.Exposure> inForce = accepted.map(a -> a.terms().exposures()).orElse(List.of());
    List<ExposedServiceStatus> statuses = new ArrayList<>();
    for (RangeClaims.Exposure exposure : wanted) {
      statuses.add(inForce.contains(exposure) ? applied(accepted.get(), exposure, view, null)
          : status(exposure, List.of(), 0, "not accepted: see the Ready condition"));
    }
    for (RangeClaims.Exposure exposure : inForce) {
      if (!wanted.contains(exposure)) {
        statuses.add(applied(accepted.get(), exposure, view,
            "no longer in the spec; applied until the current spec is accepted (see the Ready condition)"));
      }
    }
    return statuses;
  }

  private static ExposedServiceStatus applied(AcceptedSubnet subnet, RangeClaims.Exposure exposure, PolicyView view,
      String note) {
    List<GateNode> gates = view.gatesOf(subnet.vpg());
    List<String> addresses = gates.stream().map(g -> g.innerAddress() + ":" + exposure.innerPort()).toList();
    ServiceTargets.Resolution resolution = view.targets().resolve(subnet.namespace(), exposure);
    String problem = note != null ? note
        : subnet.cidrs().isEmpty() ? "no CIDR of the DeviceSubnet is routed"
        : resolution.problem() != null ? resolution.problem()
        : gates.isEmpty() ? "VirtualPrivateGateway '" + subnet.vpg() + "' has no gate node"
        : gates.stream().noneMatch(GateNode::ready) ? "no gate node of VirtualPrivateGateway '" + subnet.vpg()
            + "' is ready"
        : null;
    return status(exposure, addresses, resolution.targets().size(), problem);
  }

  private static ExposedServiceStatus status(RangeClaims.Exposure e, List<String> addresses, int endpoints,
      String message) {
    return new ExposedServiceStatus(e.service(), e.port(), e.protocol(), e.innerPort(), addresses, endpoints, message);
  }
}
