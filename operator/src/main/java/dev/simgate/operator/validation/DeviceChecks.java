package dev.simgate.operator.validation;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.api.v1alpha1.Device;

/**
 * The rules over a DeviceSubnet's whole device list: names and addresses unique, each address inside one of
 * spec.cidrs. The operator checks them, not the API server: as CEL rules of the CRD they cost the API server half of
 * every write of a DeviceSubnet of 400 devices, its status writes included (CEL runs on the whole object each time), for
 * lists that change far less often than they are written. One pass with hash maps; the problem names the first
 * devices at fault and counts the others.
 */
public final class DeviceChecks {
  private DeviceChecks() {}

  /**
   * @param devices spec.devices
   * @param cidrs spec.cidrs as networks (they must already have parsed: CrossChecks)
   * @return the problem with spec.devices, or empty
   */
  public static Optional<Problem> devices(List<Device> devices, List<Cidr> cidrs) {
    Map<String, Integer> names = new HashMap<>();
    Map<Ipv4, Integer> addresses = new HashMap<>();
    List<String> faults = new ArrayList<>();
    for (int i = 0; i < devices.size(); i++) {
      Device device = devices.get(i);
      Integer sameName = names.putIfAbsent(device.name, i);
      if (sameName != null) {
        faults.add(at(i) + ".name '" + device.name + "' is also " + at(sameName) + "'s");
      }
      Ipv4 address = Ipv4.parseOrNull(device.address);
      if (address == null) {
        faults.add(at(i) + ".address '" + device.address + "' is not an IPv4 address");
        continue;
      }
      Integer sameAddress = addresses.putIfAbsent(address, i);
      if (sameAddress != null) {
        faults.add(at(i) + ".address " + address + " ('" + device.name + "') is also " + at(sameAddress) + "'s ('"
            + devices.get(sameAddress).name + "')");
      } else if (cidrs.stream().noneMatch(c -> c.contains(address))) {
        faults.add(at(i) + ".address " + address + " ('" + device.name + "') is inside none of spec.cidrs " + cidrs);
      }
    }
    if (faults.isEmpty()) {
      return Optional.empty();
    }
    String more = faults.size() == 1 ? "" : " (and " + (faults.size() - 1) + " more device problems)";
    return Optional.of(new Problem(Problem.INVALID_DEVICES, faults.getFirst() + more));
  }

  private static String at(int index) {
    return "spec.devices[" + index + "]";
  }
}
