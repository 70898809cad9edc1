package dev.simgate.operator.devicesubnet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.RoutedCidrs;
import dev.simgate.operator.routes.RangeClaims;
import dev.simgate.operator.routes.RangeLedger;
import io.fabric8.kubernetes.api.model.ConfigMap;

/**
 * What one DeviceSubnet holds, by VPG, as the range ledgers (cached) say, updated in memory as the reconcile writes, so
 * that its status reports what the gate peers route for it.
 */
final class HeldRanges {
  private final Map<String, ConfigMap> ledgers;
  private final Map<String, List<Cidr>> held;

  private HeldRanges(Map<String, ConfigMap> ledgers, Map<String, List<Cidr>> held) {
    this.ledgers = ledgers;
    this.held = held;
  }

  static HeldRanges of(String uid, Stream<ConfigMap> cached) {
    Map<String, ConfigMap> ledgers = new TreeMap<>();
    Map<String, List<Cidr>> held = new TreeMap<>();
    cached.forEach(cm -> RangeLedger.vpgOf(cm).ifPresent(vpg -> {
      ledgers.put(vpg, cm);
      RangeLedger.claims(cm).of(uid).map(RangeClaims.Claim::cidrs).ifPresent(cidrs -> held.put(vpg, cidrs));
    }));
    return new HeldRanges(ledgers, held);
  }

  /** The cached ledger of a VPG, or null when it has none yet. */
  ConfigMap ledger(String vpg) {
    return ledgers.get(vpg);
  }

  /** The ledgers that hold a claim of this DeviceSubnet, by VPG. */
  Map<String, ConfigMap> holding() {
    Map<String, ConfigMap> holding = new LinkedHashMap<>();
    held.keySet().forEach(vpg -> holding.put(vpg, ledgers.get(vpg)));
    return holding;
  }

  HeldRanges without(String vpg) {
    Map<String, List<Cidr>> next = new TreeMap<>(held);
    next.remove(vpg);
    return new HeldRanges(ledgers, next);
  }

  /** After a successful claim: these CIDRs on this VPG, nothing elsewhere. */
  HeldRanges onlyOn(String vpg, List<Cidr> cidrs) {
    return new HeldRanges(ledgers, new TreeMap<>(Map.of(vpg, cidrs)));
  }

  /** What the gate peers route for it: on {@code preferred} if it holds ranges there, else on any VPG; or null. */
  RoutedCidrs routed(String preferred) {
    String vpg = held.containsKey(preferred) ? preferred : held.keySet().stream().findFirst().orElse(null);
    return vpg == null ? null : new RoutedCidrs(vpg, held.get(vpg).stream().map(Cidr::toString).toList());
  }
}
