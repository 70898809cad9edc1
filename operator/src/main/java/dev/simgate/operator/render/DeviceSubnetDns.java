package dev.simgate.operator.render;

import java.util.List;
import java.util.OptionalInt;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/**
 * The names of a DeviceSubnet's devices as Kubernetes publishes StatefulSet pods: one selector-less headless Service
 * named after the DeviceSubnet and EndpointSlices whose endpoints carry each device's {@code hostname}, so CoreDNS
 * answers {@code <device>.<devicesubnet>.<namespace>.svc.<cluster domain>} with the SIM's address. Two API objects per
 * DeviceSubnet plus one per thousand devices, instead of two per device.
 */
public final class DeviceSubnetDns {
  private DeviceSubnetDns() {}

  public static Service service(String namespace, String deviceSubnet) {
    return DeviceResources.headlessService(namespace, deviceSubnet, Labels.deviceSubnet(deviceSubnet, false));
  }

  /**
   * Slice {@code number} of a DeviceSubnet: {@code <devicesubnet>.<number>}. A device name is a DNS label (no dot), so
   * these names never meet a per-device Service's or EndpointSlice's.
   */
  public static String sliceName(String deviceSubnet, int number) {
    return deviceSubnet + "." + number;
  }

  /** The number of a DeviceSubnet's slice, from its name; empty for a name this operator did not give. */
  public static OptionalInt sliceNumber(String deviceSubnet, String name) {
    String prefix = deviceSubnet + ".";
    if (!name.startsWith(prefix) || name.length() == prefix.length() || name.length() - prefix.length() > 6) {
      return OptionalInt.empty();
    }
    String digits = name.substring(prefix.length());
    if (!digits.chars().allMatch(Character::isDigit) || (digits.length() > 1 && digits.charAt(0) == '0')) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(digits));
  }

  public static EndpointSlice slice(String namespace, String deviceSubnet, int number,
      List<SlicePacker.Endpoint> endpoints) {
    var labels = Labels.deviceSubnet(deviceSubnet, true);
    labels.put(DeviceResources.SLICE_MANAGED_BY, DeviceResources.SLICE_MANAGER);
    return new EndpointSliceBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(sliceName(deviceSubnet, number))
            .withNamespace(namespace)
            .withLabels(labels)
            .build())
        .withAddressType("IPv4")
        .withEndpoints(endpoints.stream()
            .map(e -> new EndpointBuilder()
                .withAddresses(e.address())
                .withHostname(e.hostname())
                .withNewConditions().withReady(e.ready()).endConditions()
                .build())
            .toList())
        .build();
  }

  /** The hostnames a slice holds, in its order. */
  public static List<String> hostnames(EndpointSlice slice) {
    return slice.getEndpoints() == null ? List.of()
        : slice.getEndpoints().stream().map(e -> e.getHostname()).filter(h -> h != null).toList();
  }
}
