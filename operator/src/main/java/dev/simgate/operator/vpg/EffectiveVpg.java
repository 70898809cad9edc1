package dev.simgate.operator.vpg;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.api.v1alpha1.SoracomVpgStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;

/**
 * The VPG settings the gate peers use: the spec, with what a SORACOM VPG fills in where the spec leaves it unset
 * (deviceSubnet, vni, peers), from the last successful read recorded in {@code status.soracom}. The spec always wins, so
 * a SORACOM value that differs changes nothing on the nodes (the VPG's status reports the mismatch). The recorded
 * values are status, which others may write: they are checked again here, at use, and ignored unless well-formed.
 */
public final class EffectiveVpg {
  /** Condition reason of GatePeers and DeviceSubnets waiting for the VPG's values from SORACOM. */
  public static final String PENDING = "VPGSettingsPending";
  private static final int MAX_PEERS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The effective VPG (a copy; the cached object is never changed), or why it is not known yet. */
  public record Resolution(VirtualPrivateGateway vpg, String pending) {
    public Optional<String> pendingMessage() {
      return Optional.ofNullable(pending);
    }
  }

  private EffectiveVpg() {}

  /** What the gate peers need: deviceSubnet, vni and peers. */
  public static Resolution resolve(VirtualPrivateGateway vpg) {
    return resolve(vpg, true);
  }

  /** What a DeviceSubnet needs: the deviceSubnet only (its SIM addresses and routes must lie inside it). */
  public static Resolution resolveDeviceSubnet(VirtualPrivateGateway vpg) {
    return resolve(vpg, false);
  }

  /** The VPG peers the gate peers use: the spec's, else those read from SORACOM, else none (yet). */
  public static List<String> peers(VirtualPrivateGateway vpg) {
    Resolution resolution = resolve(vpg, true);
    List<String> peers = resolution.vpg() != null ? resolution.vpg().getSpec().peers : vpg.getSpec().peers;
    return peers == null ? List.of() : peers;
  }

  private static Resolution resolve(VirtualPrivateGateway vpg, boolean gatePeerFields) {
    VirtualPrivateGatewaySpec spec = vpg.getSpec();
    if (spec.soracom == null) {
      return new Resolution(vpg, null);
    }
    SoracomVpgStatus read = vpg.getStatus() == null ? null : vpg.getStatus().soracom;
    if (read != null && !spec.soracom.vpgId.equals(read.vpgId)) {
      read = null; // what was read belongs to another SORACOM VPG
    }
    VirtualPrivateGatewaySpec effective = copy(spec);
    List<String> missing = new ArrayList<>();
    if (effective.deviceSubnet == null) {
      effective.deviceSubnet = read == null ? null : validCidr(read.deviceSubnet);
      if (effective.deviceSubnet == null) {
        missing.add("deviceSubnet");
      }
    }
    if (effective.vni == null) {
      effective.vni = read == null || read.vni == null || read.vni < 1 || read.vni > 16_777_215 ? null : read.vni;
      if (effective.vni == null && gatePeerFields) {
        missing.add("vni");
      }
    }
    if (effective.peers == null || effective.peers.isEmpty()) {
      effective.peers = read == null ? null : validPeers(read.vpgPeers);
      if (effective.peers == null && gatePeerFields) {
        missing.add("peers");
      }
    }
    if (!missing.isEmpty()) {
      return new Resolution(null, "VirtualPrivateGateway '" + vpg.getMetadata().getName() + "' takes " + String.join(", ", missing)
          + " from SORACOM VPG " + spec.soracom.vpgId + ", which has not been read yet (see its status)");
    }
    VirtualPrivateGateway copy = new VirtualPrivateGateway();
    copy.setMetadata(vpg.getMetadata());
    copy.setSpec(effective);
    copy.setStatus(vpg.getStatus());
    return new Resolution(copy, null);
  }

  /** A deep copy through the JSON mapping, so that a field added to the spec later is never dropped here. */
  private static VirtualPrivateGatewaySpec copy(VirtualPrivateGatewaySpec spec) {
    return JSON.convertValue(spec, VirtualPrivateGatewaySpec.class);
  }


  private static String validCidr(String text) {
    Cidr cidr = text == null ? null : Cidr.parseOrNull(text);
    return cidr == null ? null : cidr.network().toString();
  }

  private static List<String> validPeers(List<String> peers) {
    if (peers == null || peers.isEmpty() || peers.size() > MAX_PEERS || new HashSet<>(peers).size() != peers.size()
        || !peers.stream().allMatch(Ipv4::isValid)) {
      return null;
    }
    return List.copyOf(peers);
  }
}
