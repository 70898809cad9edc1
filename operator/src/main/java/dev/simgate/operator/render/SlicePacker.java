package dev.simgate.operator.render;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Packs the devices of one DeviceSubnet into numbered EndpointSlices of at most {@code capacity} endpoints, changing as
 * few slices as it can: every slice is rewritten whole (and sent whole to every CoreDNS), so a device stays in the
 * slice that holds it, a new device goes where another slice changes anyway or where there is room, and a slice is
 * dissolved only when the devices fit in fewer (then the emptiest go, so the fewest endpoints move). Pure and
 * deterministic: packing what it packed changes nothing.
 */
public final class SlicePacker {
  /** EndpointSlice holds at most 1000 endpoints (the API server's limit). */
  public static final int MAX_CAPACITY = 1000;

  /** One device as an endpoint: {@code hostname} is its DNS label, {@code ready} false keeps its name unresolvable. */
  public record Endpoint(String hostname, String address, boolean ready) {}

  private SlicePacker() {}

  /**
   * @param devices the devices to publish, names unique
   * @param current the hostnames each existing slice holds now, by slice number
   * @param capacity endpoints per slice, 1..{@value #MAX_CAPACITY}
   * @return the endpoints of each slice to keep or create, by slice number, sorted by hostname; an existing slice left
   *     out is to be deleted
   */
  public static SortedMap<Integer, List<Endpoint>> pack(Collection<Endpoint> devices,
      Map<Integer, ? extends Collection<String>> current, int capacity) {
    if (capacity < 1 || capacity > MAX_CAPACITY) {
      throw new IllegalArgumentException("capacity must be 1.." + MAX_CAPACITY + ", was " + capacity);
    }
    Map<String, Endpoint> wanted = new HashMap<>();
    devices.forEach(d -> wanted.put(d.hostname(), d));

    // Every device stays where it is (the lowest-numbered slice, should two hold it).
    TreeMap<Integer, TreeMap<String, Endpoint>> slices = new TreeMap<>();
    Set<Integer> changed = new HashSet<>();
    Set<String> placed = new HashSet<>();
    List<Endpoint> toPlace = new ArrayList<>();
    new TreeMap<Integer, Collection<String>>(current).forEach((number, hostnames) -> {
      TreeMap<String, Endpoint> kept = new TreeMap<>();
      for (String hostname : hostnames) {
        Endpoint device = wanted.get(hostname);
        if (device != null && placed.add(hostname)) {
          kept.put(hostname, device);
        }
      }
      while (kept.size() > capacity) {
        toPlace.add(kept.pollLastEntry().getValue());
      }
      if (kept.size() != hostnames.size()) {
        changed.add(number);
      }
      if (!kept.isEmpty()) {
        slices.put(number, kept);
      }
    });
    wanted.values().stream().filter(d -> !placed.contains(d.hostname())).forEach(toPlace::add);

    // Fewer slices when the devices fit in fewer: the emptiest go, their devices move.
    int needed = Math.ceilDiv(wanted.size(), capacity);
    while (slices.size() > needed) {
      Integer emptiest = slices.entrySet().stream()
          .min(Comparator.comparingInt((Map.Entry<Integer, TreeMap<String, Endpoint>> e) -> e.getValue().size())
              .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
          .orElseThrow().getKey();
      toPlace.addAll(slices.remove(emptiest).values());
      changed.remove(emptiest);
    }

    // Place the rest: first into slices that change anyway, then where there is most room, then into new slices.
    toPlace.sort(Comparator.comparing(Endpoint::hostname));
    List<Integer> order = new ArrayList<>(slices.keySet());
    order.sort(Comparator.comparing((Integer n) -> !changed.contains(n))
        .thenComparing(n -> slices.get(n).size())
        .thenComparing(n -> n));
    int next = 0;
    for (Integer number : order) {
      TreeMap<String, Endpoint> slice = slices.get(number);
      while (next < toPlace.size() && slice.size() < capacity) {
        Endpoint device = toPlace.get(next++);
        slice.put(device.hostname(), device);
      }
    }
    int number = 0;
    while (next < toPlace.size()) {
      while (slices.containsKey(number)) {
        number++;
      }
      TreeMap<String, Endpoint> slice = new TreeMap<>();
      while (next < toPlace.size() && slice.size() < capacity) {
        Endpoint device = toPlace.get(next++);
        slice.put(device.hostname(), device);
      }
      slices.put(number, slice);
    }

    SortedMap<Integer, List<Endpoint>> result = new TreeMap<>();
    slices.forEach((n, slice) -> result.put(n, List.copyOf(slice.values())));
    return result;
  }
}
