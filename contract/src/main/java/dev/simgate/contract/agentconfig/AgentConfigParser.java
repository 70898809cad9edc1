package dev.simgate.contract.agentconfig;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the agent's YAML configuration and validates every key, failing with a message that names
 * the key ({@code interface.address: '10.0.0.1/33' is not an IPv4 CIDR}).
 *
 * <p>Two shapes are accepted. Standalone: {@code localAddress} and {@code interface.address} at top
 * level. Cluster ({@link ClusterConfig}, written by the operator): both come from {@code nodes.<node>}
 * and the node name picks the entry.
 */
public final class AgentConfigParser {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern HOST_PORT = Pattern.compile("(.+):(\\d{1,5})");

  private AgentConfigParser() {}

  public static AgentConfig parse(Path file, String nodeName) throws ConfigException {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return parse(text, nodeName);
  }

  /**
   * @param nodeName this node's name, used only with the cluster shape ({@code nodes:}); may be null
   */
  public static AgentConfig parse(String yaml, String nodeName) throws ConfigException {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JacksonException e) {
      throw new ConfigException("not valid YAML: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException("the config is empty");
    }
    ObjectNode top = object(root, "(top level)");
    rejectUnknown(top, Keys.TOP, "");

    int vni = integer(top, Keys.VNI, Keys.VNI, Settings.DEFAULT_VNI, 1, 0xFF_FFFF);
    int port = integer(top, Keys.PORT, Keys.PORT, Settings.DEFAULT_PORT, 1, 65535);
    ObjectNode iface = top.has(Keys.INTERFACE) ? object(top.get(Keys.INTERFACE), Keys.INTERFACE)
        : YAML.createObjectNode();
    rejectUnknown(iface, Keys.INTERFACE_KEYS, "interface.");

    JsonNode localNode = top.get(Keys.LOCAL_ADDRESS);
    JsonNode addressNode = iface.get(Keys.ADDRESS);
    String localKey = Keys.LOCAL_ADDRESS;
    String addressKey = "interface.address";
    if (top.has(Keys.NODES)) {
      if (localNode != null) {
        throw new ConfigException("localAddress: must not be set at top level when 'nodes' is used (it comes from nodes.<node>.localAddress)");
      }
      if (addressNode != null) {
        throw new ConfigException("interface.address: must not be set when 'nodes' is used (it comes from nodes.<node>.address)");
      }
      ObjectNode nodes = object(top.get(Keys.NODES), Keys.NODES);
      if (nodeName == null || nodeName.isBlank()) {
        throw new ConfigException("nodes: the config has per-node entries but no node name was given (--node or env NODE_NAME)");
      }
      JsonNode entry = nodes.get(nodeName);
      if (entry == null) {
        throw new MissingNodeEntryException(
            "nodes: no entry for node '" + nodeName + "' (entries: " + names(nodes) + ")");
      }
      String prefix = "nodes." + nodeName + ".";
      ObjectNode nodeEntry = object(entry, "nodes." + nodeName);
      rejectUnknown(nodeEntry, Keys.NODE_KEYS, prefix);
      localNode = nodeEntry.get(Keys.LOCAL_ADDRESS);
      addressNode = nodeEntry.get(Keys.ADDRESS);
      localKey = prefix + Keys.LOCAL_ADDRESS;
      addressKey = prefix + Keys.ADDRESS;
    }

    Ipv4 local = address(required(localNode, localKey), localKey);
    List<Ipv4> peers = vpgPeers(top.get(Keys.PEERS), local);
    String name = iface.has(Keys.NAME) ? text(iface.get(Keys.NAME), "interface.name") : Settings.DEFAULT_INTERFACE;
    if (!INTERFACE_NAME.matcher(name).matches()) {
      throw new ConfigException("interface.name: '" + name + "' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)");
    }
    Cidr inner = cidr(required(addressNode, addressKey), addressKey);
    if (inner.prefix() == 0 || inner.prefix() == 32) {
      throw new ConfigException(addressKey + ": '" + inner + "' needs a prefix length between 1 and 31 (the device subnet)");
    }
    int mtu = integer(iface, Keys.MTU, "interface.mtu", Settings.DEFAULT_MTU, 576, 9000);
    List<Cidr> routes = routes(top.get(Keys.ROUTES));

    ObjectNode admin = top.has(Keys.ADMIN) ? object(top.get(Keys.ADMIN), Keys.ADMIN) : YAML.createObjectNode();
    rejectUnknown(admin, Keys.ADMIN_KEYS, "admin.");
    Settings.Admin listen = admin.has(Keys.LISTEN)
        ? listen(text(admin.get(Keys.LISTEN), "admin.listen"), "admin.listen")
        : Settings.DEFAULT_ADMIN;
    Settings.Admin metricsListen = admin.has(Keys.METRICS_LISTEN)
        ? listen(text(admin.get(Keys.METRICS_LISTEN), "admin.metricsListen"), "admin.metricsListen")
        : null;
    if (listen.equals(metricsListen)) {
      throw new ConfigException("admin.metricsListen: must differ from admin.listen (" + listen + ")");
    }
    int ageing = integer(top, Keys.MAC_AGEING_SECONDS, Keys.MAC_AGEING_SECONDS,
        (int) Settings.DEFAULT_MAC_AGEING.toSeconds(), 1, 86_400);
    int busyPoll = integer(top, Keys.BUSY_POLL_MICROS, Keys.BUSY_POLL_MICROS, 0, 0, Settings.MAX_BUSY_POLL_MICROS);
    boolean mssClamp = bool(top, Keys.MSS_CLAMP, Settings.DEFAULT_MSS_CLAMP);
    boolean masquerade = bool(top, Keys.MASQUERADE, Settings.DEFAULT_MASQUERADE);
    Settings.Probe probe = probe(top.get(Keys.PROBE), inner);
    Settings.Inbound inbound = inbound(top.get(Keys.INBOUND));

    Settings settings = new Settings(vni, port, peers, name, mtu, routes, listen, Duration.ofSeconds(ageing),
        Duration.ofNanos(busyPoll * 1000L), mssClamp, masquerade, probe, metricsListen, inbound);
    return new AgentConfig(settings, new NodeAddresses(local, inner));
  }

  /** {@code inbound}: {@code deny} (the default) or {@code open}. */
  private static Settings.Inbound inbound(JsonNode node) throws ConfigException {
    if (node == null || node.isNull()) {
      return Settings.DEFAULT_INBOUND;
    }
    String text = text(node, Keys.INBOUND);
    return java.util.Arrays.stream(Settings.Inbound.values()).filter(value -> value.label().equals(text)).findFirst()
        .orElseThrow(() -> new ConfigException(Keys.INBOUND + ": '" + text + "' is not one of [deny, open]"));
  }

  /** {@code probe}: every key optional; the address must be another host of the device subnet than this node. */
  private static Settings.Probe probe(JsonNode node, Cidr inner) throws ConfigException {
    Settings.Probe probe = node == null || node.isNull() ? Settings.Probe.DEFAULT : probeKeys(node, inner);
    Ipv4 asked = probe.address() == null ? inner.firstHost() : probe.address();
    if (probe.kind() != Settings.Probe.Kind.NONE && inner.address().equals(asked)) {
      throw new ConfigException("probe.address: '" + asked + "' is this node's own inner address"
          + (probe.address() == null ? " (the default, the device subnet's first host): set probe.address" : ""));
    }
    return probe;
  }

  private static Settings.Probe probeKeys(JsonNode node, Cidr inner) throws ConfigException {
    ObjectNode probe = object(node, Keys.PROBE);
    rejectUnknown(probe, Keys.PROBE_KEYS, "probe.");
    Settings.Probe.Kind kind = Settings.Probe.Kind.ARP;
    if (probe.has(Keys.KIND)) {
      String text = text(probe.get(Keys.KIND), "probe.kind");
      kind = java.util.Arrays.stream(Settings.Probe.Kind.values()).filter(k -> k.label().equals(text)).findFirst()
          .orElseThrow(() -> new ConfigException("probe.kind: '" + text + "' is not one of [arp, none]"));
    }
    Ipv4 address = probe.has(Keys.ADDRESS) ? address(probe.get(Keys.ADDRESS), "probe.address") : null;
    if (address != null && !inner.network().contains(address)) {
      throw new ConfigException("probe.address: '" + address + "' is not in the device subnet " + inner.network()
          + " (ARP reaches only the overlay's own addresses)");
    }
    int interval = integer(probe, Keys.INTERVAL_MILLIS, "probe.intervalMillis",
        (int) Settings.Probe.DEFAULT_INTERVAL.toMillis(), 10, 60_000);
    int threshold = integer(probe, Keys.FAILURE_THRESHOLD, "probe.failureThreshold",
        Settings.Probe.DEFAULT_FAILURE_THRESHOLD, 1, 100);
    return new Settings.Probe(kind, address, Duration.ofMillis(interval), threshold);
  }

  private static List<Ipv4> vpgPeers(JsonNode node, Ipv4 local) throws ConfigException {
    if (node == null || node.isNull()) {
      throw new ConfigException("peers: is required (the VPG peers' outer IPs)");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new ConfigException("peers: must be a non-empty list of IPv4 addresses");
    }
    if (node.size() > Settings.MAX_VPG_PEERS) {
      throw new ConfigException("peers: " + node.size() + " peers, at most " + Settings.MAX_VPG_PEERS + " are supported");
    }
    List<Ipv4> peers = new ArrayList<>();
    Set<Ipv4> seen = new HashSet<>();
    for (int i = 0; i < node.size(); i++) {
      String key = "peers[" + i + "]";
      Ipv4 peer = address(node.get(i), key);
      if (!seen.add(peer)) {
        throw new ConfigException(key + ": '" + peer + "' is listed twice");
      }
      if (peer.equals(local)) {
        throw new ConfigException(key + ": '" + peer + "' is this node's own localAddress");
      }
      peers.add(peer);
    }
    return peers;
  }

  private static List<Cidr> routes(JsonNode node) throws ConfigException {
    List<Cidr> routes = new ArrayList<>();
    if (node == null || node.isNull()) {
      return routes;
    }
    if (!node.isArray()) {
      throw new ConfigException("routes: must be a list of IPv4 CIDRs");
    }
    for (int i = 0; i < node.size(); i++) {
      String key = "routes[" + i + "]";
      Cidr route = cidr(node.get(i), key);
      if (!route.isNetwork()) {
        throw new ConfigException(key + ": '" + route + "' has host bits set (did you mean " + route.network() + "?)");
      }
      routes.add(route);
    }
    return routes;
  }

  private static Settings.Admin listen(String value, String key) throws ConfigException {
    var m = HOST_PORT.matcher(value);
    boolean valid = m.matches() && Ipv4.isValid(m.group(1));
    int port = valid ? Integer.parseInt(m.group(2)) : -1;
    if (port < 1 || port > 65535) {
      throw new ConfigException(key + ": '" + value + "' is not an IPv4 host:port (e.g. 127.0.0.1:9464)");
    }
    return new Settings.Admin(m.group(1), port);
  }

  private static ObjectNode object(JsonNode node, String key) throws ConfigException {
    if (!(node instanceof ObjectNode object)) {
      throw new ConfigException(key + ": must be a mapping, not " + describe(node));
    }
    return object;
  }

  private static void rejectUnknown(ObjectNode node, Set<String> known, String prefix) throws ConfigException {
    for (var names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new ConfigException(prefix + name + ": unknown key (known: " + new TreeSet<>(known) + ")");
      }
    }
  }

  private static TreeSet<String> names(ObjectNode node) {
    TreeSet<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static JsonNode required(JsonNode node, String key) throws ConfigException {
    if (node == null || node.isNull()) {
      throw new ConfigException(key + ": is required");
    }
    return node;
  }

  private static int integer(ObjectNode parent, String field, String key, int fallback, int min, int max)
      throws ConfigException {
    JsonNode node = parent.get(field);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw new ConfigException(key + ": " + describe(node) + " is not an integer");
    }
    int value = node.intValue();
    if (value < min || value > max) {
      throw new ConfigException(key + ": " + value + " is out of range " + min + ".." + max);
    }
    return value;
  }

  private static boolean bool(ObjectNode parent, String key, boolean fallback) throws ConfigException {
    JsonNode node = parent.get(key);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw new ConfigException(key + ": " + describe(node) + " is not true or false");
    }
    return node.booleanValue();
  }

  private static String text(JsonNode node, String key) throws ConfigException {
    if (!node.isTextual()) {
      throw new ConfigException(key + ": " + describe(node) + " is not a string");
    }
    return node.textValue();
  }

  private static Ipv4 address(JsonNode node, String key) throws ConfigException {
    Ipv4 address = node.isTextual() ? Ipv4.parseOrNull(node.textValue()) : null;
    if (address == null) {
      throw new ConfigException(key + ": " + describe(node) + " is not an IPv4 address");
    }
    return address;
  }

  private static Cidr cidr(JsonNode node, String key) throws ConfigException {
    Cidr cidr = node.isTextual() ? Cidr.parseOrNull(node.textValue()) : null;
    if (cidr == null) {
      throw new ConfigException(key + ": " + describe(node) + " is not an IPv4 CIDR");
    }
    return cidr;
  }

  private static String describe(JsonNode node) {
    if (node == null) {
      return "nothing";
    }
    if (node.isTextual()) {
      return "'" + node.textValue() + "'";
    }
    if (node.isContainerNode()) {
      return node.isArray() ? "a list" : "a mapping";
    }
    return node.toString();
  }
}
