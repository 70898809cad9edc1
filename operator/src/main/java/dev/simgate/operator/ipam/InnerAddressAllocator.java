package dev.simgate.operator.ipam;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;

/**
 * Gives each gate node one inner address from a pool. Pure and deterministic: the same inputs give the same
 * result, so a reconcile that runs on a stale cache re-derives the same allocation instead of a conflicting one.
 *
 * <p>Nodes keep the address recorded for them (stability across restarts and re-labelling) unless it is no longer
 * usable; new nodes get the lowest free host address, in node-name order. Nodes that no longer exist in {@code nodes}
 * are simply absent from the result, which frees their addresses.
 */
public final class InnerAddressAllocator {
  private InnerAddressAllocator() {}

  /**
   * @param assigned node name to inner address, in node-name order
   * @param unallocated nodes that could not get an address because the pool is exhausted
   */
  public record Allocation(Map<String, String> assigned, List<String> unallocated) {
    public boolean exhausted() {
      return !unallocated.isEmpty();
    }
  }

  /**
   * @param pool the GatePeer's innerAddressPool (a network: its host bits cleared)
   * @param nodes selected node names
   * @param recorded node name to inner address as recorded before (status); may hold departed nodes
   * @param reserved addresses used elsewhere (other GatePeers of the same VPG) that must not be handed out
   */
  public static Allocation allocate(Cidr pool, Set<String> nodes, Map<String, String> recorded, Set<String> reserved) {
    Set<Ipv4> taken = new HashSet<>();
    for (String address : reserved) {
      if (Ipv4.isValid(address)) {
        taken.add(Ipv4.parse(address));
      }
    }
    SortedSet<String> ordered = new TreeSet<>(nodes);
    Map<String, String> assigned = new TreeMap<>();
    for (String node : ordered) {
      String previous = recorded.get(node);
      if (previous != null && Ipv4.isValid(previous)) {
        Ipv4 address = Ipv4.parse(previous);
        if (pool.isHost(address) && taken.add(address)) {
          assigned.put(node, previous);
        }
      }
    }
    List<String> unallocated = new ArrayList<>();
    long next = Integer.toUnsignedLong(pool.firstHost().bits());
    long last = Integer.toUnsignedLong(pool.lastHost().bits());
    for (String node : ordered) {
      if (assigned.containsKey(node)) {
        continue;
      }
      while (next <= last && taken.contains(new Ipv4((int) next))) {
        next++;
      }
      if (next > last) {
        unallocated.add(node);
        continue;
      }
      Ipv4 address = new Ipv4((int) next);
      taken.add(address);
      assigned.put(node, address.toString());
    }
    return new Allocation(new LinkedHashMap<>(assigned), List.copyOf(unallocated));
  }
}
