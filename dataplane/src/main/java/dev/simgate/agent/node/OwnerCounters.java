package dev.simgate.agent.node;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.nodepolicy.NodePolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Refused packets attributed to the DeviceSubnet whose CIDR they were sent to ({@code owner} label), for the
 * DeviceSubnets that give pods on this node access (the only owners the node's policy names): at most
 * {@value #MAX_OWNERS} per node, the rest counted without an owner. Each owner has a named nftables counter whose name
 * is a hash of the owner, so it keeps its count across policy changes that add or remove other owners.
 */
final class OwnerCounters {
  static final int MAX_OWNERS = 64;

  private OwnerCounters() {}

  /** Counter name by owner, for the owners this node's access entries name (sorted, capped). */
  static Map<String, String> names(NodePolicy policy) {
    Map<String, String> names = new LinkedHashMap<>();
    policy.access().stream().map(NodePolicy.Access::owner).distinct().sorted().limit(MAX_OWNERS)
        .forEach(owner -> names.put(owner, counterName(owner)));
    return names;
  }

  /**
   * Destination CIDR → counter name: where a refused packet was going says whose CIDR it was. An interval map holds
   * no overlaps (DeviceSubnets' CIDRs do not overlap anyway): of nested CIDRs the widest is kept.
   */
  static Map<Cidr, String> byDestination(NodePolicy policy, Map<String, String> names) {
    List<Map.Entry<Cidr, String>> pairs = new ArrayList<>();
    for (NodePolicy.Access access : policy.access()) {
      String counter = names.get(access.owner());
      if (counter != null) {
        access.destinations().forEach(cidr -> pairs.add(Map.entry(cidr.network(), counter)));
      }
    }
    pairs.sort(Map.Entry.<Cidr, String>comparingByKey(Cidrs.ORDER).thenComparing(Map.Entry.comparingByValue()));
    Map<Cidr, String> map = new TreeMap<>(Cidrs.ORDER);
    for (Map.Entry<Cidr, String> pair : pairs) {
      if (map.keySet().stream().noneMatch(mapped -> mapped.overlaps(pair.getKey()))) {
        map.put(pair.getKey(), pair.getValue());
      }
    }
    return map;
  }

  static String counterName(String owner) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(owner.getBytes(StandardCharsets.UTF_8));
      return "denied_" + HexFormat.of().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
