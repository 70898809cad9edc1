package dev.simgate.operator.vpg;

import java.util.Objects;

import dev.simgate.operator.api.v1alpha1.SoracomVpgStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;

/**
 * Which changes of a VPG its GatePeers and DeviceSubnets must see: its spec, and the values its GatePeers and
 * DeviceSubnets take from SORACOM when the spec leaves them out ({@link EffectiveVpg}). Not the counts and
 * reachability the VPG controller writes into its status: reacting to those would wake every GatePeer and DeviceSubnet
 * of the VPG at each of its status writes.
 */
public final class VpgChanges {
  private VpgChanges() {}

  public static OnUpdateFilter<VirtualPrivateGateway> thatMatter() {
    return (next, previous) -> !Objects.equals(next.getMetadata().getGeneration(),
        previous.getMetadata().getGeneration()) || !sameReadValues(soracom(next), soracom(previous));
  }

  private static SoracomVpgStatus soracom(VirtualPrivateGateway vpg) {
    return vpg.getStatus() == null ? null : vpg.getStatus().soracom;
  }

  private static boolean sameReadValues(SoracomVpgStatus a, SoracomVpgStatus b) {
    if (a == null || b == null) {
      return a == b;
    }
    return Objects.equals(a.vpgId, b.vpgId) && Objects.equals(a.vni, b.vni)
        && Objects.equals(a.deviceSubnet, b.deviceSubnet) && Objects.equals(a.vpgPeers, b.vpgPeers);
  }
}
