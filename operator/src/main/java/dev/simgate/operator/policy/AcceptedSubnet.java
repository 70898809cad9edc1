package dev.simgate.operator.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.policy.PolicyPods.PodAddress;
import dev.simgate.operator.routes.DeviceRoutes;
import dev.simgate.operator.routes.RangeClaims;
import dev.simgate.operator.routes.RangeLedger;
import dev.simgate.operator.routes.ClusterRanges;
import dev.simgate.operator.validation.Selectors;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * A DeviceSubnet as the operator accepted it: a live claim in a VPG's range ledger, never its spec or status. The
 * nodes give access to what is accepted only: its routable CIDRs (those its VPG's gate nodes route), to the pods its
 * accepted podSelector selects in its namespace, and expose the Services it was accepted with.
 *
 * @param cidrs the claim's CIDRs that the gate nodes route (checked again at use, as {@link DeviceRoutes} does)
 */
public record AcceptedSubnet(String uid, String namespace, String name, String vpg, List<Cidr> cidrs,
    RangeClaims.Terms terms) {
  public static final Comparator<AcceptedSubnet> ORDER = Comparator.comparing(AcceptedSubnet::owner)
      .thenComparing(AcceptedSubnet::vpg);
  /** Sorts CIDRs by address, then prefix. */
  public static final Comparator<Cidr> CIDR_ORDER = Comparator.comparing(Cidr::address).thenComparingInt(Cidr::prefix);

  public AcceptedSubnet {
    cidrs = cidrs.stream().sorted(CIDR_ORDER).distinct().toList();
  }

  /** {@code <namespace>/<name>}. */
  public String owner() {
    return namespace + "/" + name;
  }

  /** Whether the pod may reach this DeviceSubnet's CIDRs: in its namespace and selected (an unset selector: none). */
  public boolean selects(PodAddress pod) {
    return namespace.equals(pod.namespace()) && Selectors.matches(terms.podSelector(), pod.labels());
  }

  /**
   * The accepted DeviceSubnets of every VPG, sorted by owner.
   *
   * @param ledgers the range ledgers (ConfigMaps in the operator's namespace)
   * @param live whether a DeviceSubnet uid still exists
   * @param deviceSubnet a VPG's device subnet by name, or null for a VPG that does not exist (its claims count for
   *     nothing)
   */
  public static List<AcceptedSubnet> of(Stream<ConfigMap> ledgers, Predicate<String> live,
      Function<String, Cidr> deviceSubnet, ClusterRanges cluster) {
    List<AcceptedSubnet> accepted = new ArrayList<>();
    ledgers.forEach(ledger -> RangeLedger.vpgOf(ledger).ifPresent(vpg -> {
      Cidr subnet = deviceSubnet.apply(vpg);
      if (subnet == null) {
        return;
      }
      RangeLedger.claims(ledger).claims().forEach((uid, claim) -> {
        int slash = claim.holder().indexOf('/');
        if (live.test(uid) && slash > 0) {
          accepted.add(new AcceptedSubnet(uid, claim.holder().substring(0, slash), claim.holder().substring(slash + 1),
              vpg, DeviceRoutes.routable(claim, subnet, cluster), claim.terms()));
        }
      });
    }));
    accepted.sort(ORDER);
    return List.copyOf(accepted);
  }
}
