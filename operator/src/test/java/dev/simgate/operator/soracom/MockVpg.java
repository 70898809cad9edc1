package dev.simgate.operator.soracom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;


/**
 * One VPG of the mock: its Gate state, its Gate peers (two of its own, one per zone, plus the customer's) and its static
 * IP address map entries. Tests change it directly to play someone using the console (drift, someone else's peer).
 */
public final class MockVpg {
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  public record Peer(String outerIpAddress, String innerIpAddress, boolean ownedByCustomer) {}

  private final Object lock;
  final String id;
  final MockIpv4 deviceSubnet;
  final MockIpv4 vpgSubnet;
  private final long createdTime;
  private final Map<String, Peer> peers = new LinkedHashMap<>();
  private final Map<String, String> staticEntries = new LinkedHashMap<>();
  private boolean gateOpened;
  private long vxlanId = 10;
  private boolean privacySeparator;

  MockVpg(Object lock, String id, MockIpv4 deviceSubnet, MockIpv4 vpgSubnet, long createdTime) {
    this.lock = lock;
    this.id = id;
    this.deviceSubnet = deviceSubnet;
    this.vpgSubnet = vpgSubnet;
    this.createdTime = createdTime;
    // The VPG's own endpoints, one per zone, as in the official hands-on (100.64.x.4 and 100.64.x.132).
    long base = vpgSubnet.network();
    addPeer(new Peer(MockIpv4.format(base + 4), MockIpv4.format(deviceSubnet.network() + 2), false));
    addPeer(new Peer(MockIpv4.format(base + 132), MockIpv4.format(deviceSubnet.network() + 3), false));
  }

  // ---- console-side controls ----

  public MockVpg gateOpen(long vni) {
    synchronized (lock) {
      gateOpened = true;
      vxlanId = vni;
    }
    return this;
  }

  public MockVpg gateClosed() {
    synchronized (lock) {
      gateOpened = false;
    }
    return this;
  }

  /** A customer peer registered by someone else (console, CLI). */
  public MockVpg addCustomerPeer(String outer, String inner) {
    synchronized (lock) {
      addPeer(new Peer(outer, inner, true));
    }
    return this;
  }

  /** Removes a peer as the console would, e.g. to play drift. */
  public MockVpg removePeer(String outer) {
    synchronized (lock) {
      peers.remove(outer);
    }
    return this;
  }

  public MockVpg putStaticEntry(String imsi, String ip) {
    synchronized (lock) {
      staticEntries.put(imsi, ip);
    }
    return this;
  }

  public boolean isGateOpen() {
    synchronized (lock) {
      return gateOpened;
    }
  }

  public long vxlanId() {
    synchronized (lock) {
      return vxlanId;
    }
  }

  public boolean privacySeparator() {
    synchronized (lock) {
      return privacySeparator;
    }
  }

  public List<Peer> peers() {
    synchronized (lock) {
      return List.copyOf(peers.values());
    }
  }

  public Optional<Peer> peer(String outer) {
    synchronized (lock) {
      return Optional.ofNullable(peers.get(outer));
    }
  }

  // ---- used by the API handlers, under the lock ----

  void addPeer(Peer peer) {
    peers.put(peer.outerIpAddress(), peer);
  }

  Peer removeCustomerPeer(String outer) {
    return peers.remove(outer);
  }

  void open(long vni, boolean separator) {
    gateOpened = true;
    vxlanId = vni;
    privacySeparator = separator;
  }

  boolean innerInUse(String ip) {
    return peers.values().stream().anyMatch(p -> p.innerIpAddress().equals(ip)) || staticEntries.containsValue(ip);
  }

  /** Auto-assigns from the top of the device subnet down, as the reference's example (10.255.255.254) suggests. */
  String freeInnerAddress() {
    for (long a = deviceSubnet.broadcast() - 1; a > deviceSubnet.network(); a--) {
      if (!innerInUse(MockIpv4.format(a))) {
        return MockIpv4.format(a);
      }
    }
    throw MockApiError.badRequest("no free address in the device subnet");
  }

  ObjectNode json(int onlineSims, long now) {
    ObjectNode v = NODES.objectNode();
    v.put("vpgId", id);
    v.put("operatorId", MockSoracomApi.OPERATOR_ID);
    v.put("type", 15);
    v.put("status", "running");
    v.set("placement", NODES.objectNode().put("infrastructureProvider", "aws").put("region", "ap-northeast-1"));
    v.put("deviceSubnetCidrRange", deviceSubnet.toString());
    v.put("ueSubnetCidrRange", deviceSubnet.toString());
    v.put("vpgSubnetCidrRange", vpgSubnet.toString());
    v.put("gateOpened", gateOpened);
    v.put("gateVxlanId", vxlanId);
    v.put("gatePrivacySeparatorEnabled", privacySeparator);
    v.put("enableSimBasedRouting", false);
    v.put("useInternetGateway", true);
    v.put("junctionEnabled", false);
    v.put("fixedIpAddressesEnabled", false);
    v.set("sessionStats", NODES.objectNode().put("online", onlineSims).put("lastUpdatedAt", now));
    v.set("tags", NODES.objectNode().put("name", id));
    v.set("allowedOperators", NODES.arrayNode());
    v.put("createdTime", createdTime);
    v.put("lastModifiedTime", now);
    return v;
  }

  ArrayNode peersJson() {
    ArrayNode a = NODES.arrayNode();
    peers.values().forEach(p -> a.add(peerJson(p)));
    return a;
  }

  ObjectNode peerJson(Peer p) {
    return NODES.objectNode()
        .put("outerIpAddress", p.outerIpAddress())
        .put("innerIpAddress", p.innerIpAddress())
        // Undocumented format (reference §10): the device-subnet prefix length as a string.
        .put("netmask", Integer.toString(deviceSubnet.prefixLength()))
        .put("ownedByCustomer", p.ownedByCustomer());
  }

  /** Static entries (key IMSI), then customer peers' and the VPG's own inner addresses, as the reference lists. */
  List<ObjectNode> ipAddressMap(long now) {
    List<ObjectNode> entries = new ArrayList<>();
    staticEntries.forEach((imsi, ip) -> entries.add(entry(imsi, ip, "static", now)));
    peers.values().forEach(p -> entries.add(entry(p.innerIpAddress(), p.innerIpAddress(),
        p.ownedByCustomer() ? "customerGatePeer" : "gatePeer", null)));
    return entries;
  }

  private static ObjectNode entry(String key, String ip, String type, Long lastUpdatedAt) {
    ObjectNode e = NODES.objectNode().put("key", key).put("ipAddress", ip).put("type", type).put("hostId", key);
    if (lastUpdatedAt != null) {
      e.put("lastUpdatedAt", lastUpdatedAt);
    }
    return e;
  }
}
