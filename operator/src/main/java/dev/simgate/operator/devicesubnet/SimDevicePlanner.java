package dev.simgate.operator.devicesubnet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.RejectedSim;
import dev.simgate.operator.api.v1alpha1.SimDevice;
import dev.simgate.operator.api.v1alpha1.SoracomSimsSpec.WhenOffline;

/**
 * Pure: which SIMs become named devices. A SIM is published with the DNS label of its name tag and an address: its
 * static entry in the VPG's IP address map, else its online session's (in this VPG), else, while offline, the session
 * address it was last published with. Every SIM that cannot be published so is reported with the reason; a name or an
 * address claimed twice is never given to one of the claimants by a guess: all of them are reported (a name or address of
 * {@code spec.devices} wins, as the user wrote it).
 */
final class SimDevicePlanner {
  record Result(List<SimDevice> devices, List<RejectedSim> rejected) {}

  private record Candidate(SimRecord sim, String rawName, SimDevice device) {}

  private SimDevicePlanner() {}

  /**
   * @param staticAddresses the VPG's static IP address map entries, IMSI → address
   * @param previous devices published at the last read, by SIM id (their session addresses outlive a session)
   */
  static Result plan(List<SimRecord> sims, Map<String, String> staticAddresses, String nameTag, List<Cidr> cidrs,
      List<Device> specDevices, String vpgId, WhenOffline whenOffline, Map<String, SimDevice> previous) {
    List<RejectedSim> rejected = new ArrayList<>();
    List<Candidate> candidates = new ArrayList<>();
    List<SimRecord> ordered = new ArrayList<>(sims);
    ordered.sort(Comparator.comparing(SimRecord::simId));
    for (SimRecord sim : ordered) {
      String raw = sim.tags().get(nameTag);
      DnsLabel label = DnsLabel.of(raw);
      if (label.label() == null) {
        rejected.add(new RejectedSim(sim.simId(), raw, label.problem().equals("no name")
            ? "no '" + nameTag + "' tag" : label.problem()));
        continue;
      }
      Optional<SimDevice> device = address(sim, label.label(), staticAddresses, vpgId, whenOffline, previous.get(sim.simId()));
      if (device.isEmpty()) {
        rejected.add(new RejectedSim(sim.simId(), raw, noAddress(sim, vpgId)));
        continue;
      }
      String address = device.get().address();
      if (cidrs.stream().noneMatch(c -> c.contains(Ipv4.parse(address)))) {
        rejected.add(new RejectedSim(sim.simId(), raw, "address " + address + " is outside spec.cidrs " + cidrs));
        continue;
      }
      candidates.add(new Candidate(sim, raw, device.get()));
    }
    Set<String> specNames = new HashSet<>();
    Set<String> specAddresses = new HashSet<>();
    specDevices.forEach(d -> {
      specNames.add(d.name);
      specAddresses.add(d.address);
    });
    candidates = unique(candidates, c -> c.device().name(), specNames, "name", rejected);
    candidates = unique(candidates, c -> c.device().address(), specAddresses, "address", rejected);
    rejected.sort(Comparator.comparing(RejectedSim::simId));
    List<SimDevice> devices = candidates.stream().map(Candidate::device)
        .sorted(Comparator.comparing(SimDevice::name)).toList();
    return new Result(devices, List.copyOf(rejected));
  }

  /**
   * The devices of an earlier read that may still be published under the current spec (its cidrs and devices may have
   * changed since, and status is not trusted as input): a DNS label, an address inside the cidrs, and no name or address
   * that spec.devices or another of them holds.
   */
  static List<SimDevice> stillValid(List<SimDevice> devices, List<Cidr> cidrs, List<Device> specDevices) {
    Set<String> names = new HashSet<>();
    Set<String> addresses = new HashSet<>();
    specDevices.forEach(d -> {
      names.add(d.name);
      addresses.add(d.address);
    });
    Map<String, Integer> nameCount = new LinkedHashMap<>();
    Map<String, Integer> addressCount = new LinkedHashMap<>();
    devices.forEach(d -> {
      nameCount.merge(String.valueOf(d.name()), 1, Integer::sum);
      addressCount.merge(String.valueOf(d.address()), 1, Integer::sum);
    });
    return devices.stream()
        .filter(d -> d.name() != null && d.name().equals(DnsLabel.of(d.name()).label()))
        .filter(d -> Ipv4.isValid(d.address()) && cidrs.stream().anyMatch(c -> c.contains(Ipv4.parse(d.address()))))
        .filter(d -> !names.contains(d.name()) && !addresses.contains(d.address()))
        .filter(d -> nameCount.get(d.name()) == 1 && addressCount.get(d.address()) == 1)
        .toList();
  }

  private static Optional<SimDevice> address(SimRecord sim, String name, Map<String, String> staticAddresses, String vpgId,
      WhenOffline whenOffline, SimDevice before) {
    String imsi = sim.imsis().isEmpty() ? null : sim.imsis().getFirst();
    boolean resolvable = sim.online() || whenOffline == WhenOffline.KeepResolving;
    for (String candidate : sim.imsis()) {
      String fixed = staticAddresses.get(candidate);
      if (fixed != null && Ipv4.isValid(fixed)) {
        return Optional.of(new SimDevice(name, fixed, SimDevice.STATIC_ENTRY, sim.simId(), candidate, sim.online(), resolvable));
      }
    }
    if (sim.online()) {
      boolean here = sim.sessionVpgId() == null || sim.sessionVpgId().equals(vpgId);
      return here && Ipv4.isValid(sim.sessionAddress())
          ? Optional.of(new SimDevice(name, sim.sessionAddress(), SimDevice.SESSION, sim.simId(), imsi, true, true))
          : Optional.empty();
    }
    if (before != null && SimDevice.SESSION.equals(before.addressSource())) {
      return Optional.of(new SimDevice(name, before.address(), SimDevice.SESSION, sim.simId(), imsi, false, resolvable));
    }
    return Optional.empty();
  }

  private static String noAddress(SimRecord sim, String vpgId) {
    if (sim.online() && sim.sessionVpgId() != null && !sim.sessionVpgId().equals(vpgId)) {
      return "online in VPG " + sim.sessionVpgId() + ", not " + vpgId + ", and no static IP address map entry";
    }
    if (sim.online()) {
      return "online without an IPv4 session address, and no static IP address map entry";
    }
    return "offline, with no static IP address map entry and no address known from an earlier session";
  }

  /** Keeps candidates whose key nobody else claims; reports every claimant of a shared key. */
  private static List<Candidate> unique(List<Candidate> candidates, java.util.function.Function<Candidate, String> key,
      Set<String> taken, String what, List<RejectedSim> rejected) {
    Map<String, List<Candidate>> byKey = new TreeMap<>();
    candidates.forEach(c -> byKey.computeIfAbsent(key.apply(c), k -> new ArrayList<>()).add(c));
    Map<String, Candidate> kept = new LinkedHashMap<>();
    for (var e : byKey.entrySet()) {
      List<Candidate> claimants = e.getValue();
      if (taken.contains(e.getKey())) {
        claimants.forEach(c -> rejected.add(new RejectedSim(c.sim().simId(), c.rawName(),
            what + " " + e.getKey() + " is already used by spec.devices")));
      } else if (claimants.size() > 1) {
        List<String> ids = claimants.stream().map(c -> c.sim().simId()).toList();
        claimants.forEach(c -> rejected.add(new RejectedSim(c.sim().simId(), c.rawName(),
            what + " " + e.getKey() + " is claimed by SIMs " + ids + "; none of them is published under it")));
      } else {
        kept.put(claimants.getFirst().sim().simId(), claimants.getFirst());
      }
    }
    return candidates.stream().filter(c -> kept.get(c.sim().simId()) == c).toList();
  }
}
