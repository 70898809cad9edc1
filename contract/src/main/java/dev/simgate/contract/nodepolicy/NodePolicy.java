package dev.simgate.contract.nodepolicy;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * What one node must do about traffic between the cluster and the SIMs, besides the tunnel itself: the document the
 * operator writes for each node (ConfigMap {@code simgate-node-<node>}, key {@value #KEY}) and the node agent applies.
 * The gate agent keeps the tunnel and closes it inbound; this is the rest, split by direction:
 *
 * <ul>
 *   <li>{@link #access()}: which pods <em>on this node</em> may send to which device CIDRs. Checked here, where the
 *       pod's own address is still the source (a CNI may masquerade it to the node's address on the way out).
 *   <li>{@link #steering()}: how this node's allowed traffic reaches a gate node, and how a gate node sends replies
 *       back; null on a cluster without gate nodes.
 *   <li>{@link #exposures()}: what SIMs may open towards the cluster through this node's tunnel (gate nodes only).
 * </ul>
 *
 * @param node the node this document is for (a node agent refuses one written for another node)
 */
public record NodePolicy(String node, List<Access> access, Steering steering, List<Exposure> exposures) {

  /** The ConfigMap key. */
  public static final String KEY = "policy.json";
  /** Prefix of the ConfigMaps' names. */
  public static final String CONFIG_MAP_PREFIX = "simgate-node-";
  /**
   * The ConfigMap (key {@value #KEY}) of what is the same for every node: the nodes of the steering VXLAN and the
   * routes to the gate nodes ({@link NodePolicyCodec#writeTable}). Kept apart from the nodes' own documents so that a
   * gate node turning ready or a node joining is one write, not one per node (1,000 at fleet scale); a node agent
   * reads both and joins them ({@link NodePolicyCodec#join}).
   */
  public static final String TABLE_CONFIG_MAP = "simgate-steering-table";

  /**
   * The name of a node's ConfigMap: {@code simgate-node-<node>}, or, for a node name too long to fit an object name
   * (253), its first 200 characters, '-' and 10 hex digits of its SHA-256. The operator writes it and the node agent
   * watches it under this name.
   */
  public static String configMapName(String node) {
    if (CONFIG_MAP_PREFIX.length() + node.length() <= 253) {
      return CONFIG_MAP_PREFIX + node;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(node.getBytes(StandardCharsets.UTF_8));
      return CONFIG_MAP_PREFIX + node.substring(0, 200) + "-" + HexFormat.of().formatHex(hash, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public NodePolicy {
    Objects.requireNonNull(node, "node");
    access = List.copyOf(access);
    exposures = List.copyOf(exposures);
  }

  /** This node's own part: its steering without the cluster-wide nodes and routes (those are in the table). */
  public NodePolicy withoutTable() {
    return steering == null ? this : new NodePolicy(node, access, new Steering(steering.vni(), steering.port(),
        steering.mtu(), steering.localAddress(), steering.address(), List.of(), List.of()), exposures);
  }

  /** Nothing allowed, nothing steered, nothing exposed: what a node holds before the operator wrote anything. */
  public static NodePolicy closed(String node) {
    return new NodePolicy(node, List.of(), null, List.of());
  }

  /**
   * Pods (by address, on this node) that may send to {@code destinations}; one entry per DeviceSubnet that selects
   * at least one pod here.
   *
   * @param owner {@code <namespace>/<devicesubnet>}, for counters and messages
   */
  public record Access(String owner, List<Ipv4> sources, List<Cidr> destinations) {
    public Access {
      Objects.requireNonNull(owner, "owner");
      sources = List.copyOf(sources);
      destinations = List.copyOf(destinations);
    }
  }

  /**
   * A kernel VXLAN between the nodes (not the VPG's tunnel): every node has a {@link #address() steering address}
   * on its steering device; a node without an agent routes device CIDRs to the gate nodes' inner addresses over it,
   * and sources what it sends there from its steering address, so the gate node's replies come back the same way.
   *
   * @param vni VNI of the steering VXLAN (not the VPG's)
   * @param port UDP port of the steering VXLAN (not 4789, which the gate agents hold)
   * @param mtu the steering device's MTU (underlay MTU - 50)
   * @param localAddress this node's underlay address (the VXLAN source)
   * @param address this node's steering address, with the steering network's prefix
   * @param nodes every node of the cluster on the steering VXLAN (gate nodes answer for their inner addresses)
   * @param routes device CIDRs and the ready gate nodes that carry them, on every node; a gate node's own entry is left
   *     out (its agent routes the CIDR; the others are its pods' way while its own tunnel is down)
   */
  public record Steering(int vni, int port, int mtu, Ipv4 localAddress, Cidr address, List<SteeringNode> nodes,
      List<Route> routes) {
    public Steering {
      Objects.requireNonNull(localAddress, "localAddress");
      Objects.requireNonNull(address, "address");
      nodes = List.copyOf(nodes);
      routes = List.copyOf(routes);
    }
  }

  /**
   * @param underlay its underlay address (VXLAN destination)
   * @param address its steering address
   * @param gate whether it runs a gate agent
   */
  public record SteeringNode(String name, Ipv4 underlay, Ipv4 address, boolean gate) {
    public SteeringNode {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(underlay, "underlay");
      Objects.requireNonNull(address, "address");
    }
  }

  /**
   * @param gates the gate nodes of the VPG that owns {@code destination}, each by name and inner address (the next hop
   *     over the steering device, answered only while that gate node's agent has its interface up); the node agent
   *     spreads flows over those that answer and, with none, makes {@code destination} unreachable (a clear error, not
   *     a hang)
   */
  public record Route(Cidr destination, List<Gate> gates) {
    public Route {
      Objects.requireNonNull(destination, "destination");
      gates = List.copyOf(gates);
    }
  }

  public record Gate(String node, Ipv4 innerAddress) {
    public Gate {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(innerAddress, "innerAddress");
    }
  }

  /**
   * SIMs may open {@code protocol} connections to {@code address:port} (this gate node's inner address), which go to
   * one of {@code targets} (the ready endpoints of a Service port); replies return through this node.
   *
   * @param owner {@code <namespace>/<devicesubnet>/<service>:<port>}, for counters and messages
   * @param sources the device CIDRs whose SIMs may connect
   */
  public record Exposure(String owner, Protocol protocol, Ipv4 address, int port, List<Cidr> sources,
      List<Target> targets) {
    public Exposure {
      Objects.requireNonNull(owner, "owner");
      Objects.requireNonNull(protocol, "protocol");
      Objects.requireNonNull(address, "address");
      sources = List.copyOf(sources);
      targets = List.copyOf(targets);
    }
  }

  public record Target(Ipv4 address, int port) {
    public Target {
      Objects.requireNonNull(address, "address");
    }
  }

  public enum Protocol {
    TCP, UDP;

    public String text() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
