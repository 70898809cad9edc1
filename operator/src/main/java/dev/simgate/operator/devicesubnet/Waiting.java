package dev.simgate.operator.devicesubnet;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.status.Conditions;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.Condition;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Which DeviceSubnets an event can change the outcome of. A change of one DeviceSubnet re-reconciles only those that
 * wait for a range of its VPG (refused for an overlap or the route limit), not every DeviceSubnet on the VPG, so the
 * work per change stays proportional to the waiters rather than to the VPG's size.
 */
final class Waiting {
  private Waiting() {}

  static Set<ResourceID> on(EventSourceContext<DeviceSubnet> context, String vpg) {
    return on(context.getPrimaryCache().list(), vpg);
  }

  static Set<ResourceID> onClusterRanges(EventSourceContext<DeviceSubnet> context, Collection<Cidr> ranges) {
    return onClusterRanges(context.getPrimaryCache().list(), ranges);
  }

  /** DeviceSubnets of {@code vpg} refused for a range or inner port someone holds, or for the ledger's limits. */
  static Set<ResourceID> on(Stream<DeviceSubnet> all, String vpg) {
    return all.filter(ds -> vpg.equals(ds.getSpec().vpgRef)
            && refusedFor(ds, Problem.CIDR_OVERLAP, Problem.ROUTE_LIMIT_EXCEEDED,
            Problem.EXPOSED_PORT_CONFLICT, Problem.LEDGER_FULL))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /** DeviceSubnets whose CIDRs overlap {@code ranges} of the cluster, or refused for a cluster range before. */
  static Set<ResourceID> onClusterRanges(Stream<DeviceSubnet> all, Collection<Cidr> ranges) {
    return all.filter(ds -> refusedFor(ds, Problem.CLUSTER_RANGE_OVERLAP)
            || DeviceSubnetReconciler.cidrs(ds).stream().anyMatch(c -> ranges.stream().anyMatch(c::overlaps)))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  static boolean refusedFor(DeviceSubnet subnet, String... reasons) {
    Condition ready = subnet.getStatus() == null ? null : Conditions.find(subnet.getStatus().conditions, Conditions.READY);
    return ready != null && "False".equals(ready.getStatus()) && Set.of(reasons).contains(ready.getReason());
  }
}
