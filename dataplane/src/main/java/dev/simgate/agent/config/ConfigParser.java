package dev.simgate.agent.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads the agent's YAML configuration and validates every key, failing with a message that names
 * the key ({@code interface.address: '10.0.0.1/33' is not an IPv4 CIDR}).
 *
 * <p>Two shapes are accepted. Standalone: {@code localAddress} and {@code interface.address} at top
 * level. Cluster (written by the operator): both come from {@code nodes.<node>} and the node name
 * picks the entry.
 */
public final class ConfigParser {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern INTERFACE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  private static final Pattern HOST_PORT = Pattern.compile("(.+):(\\d{1,5})");
  private static final Set<String> TOP_KEYS =
      Set.of("vni", "port", "localAddress", "peers", "interface", "routes", "admin", "nodes", "macAgeingSeconds",
          "busyPollMicros", "mssClamp", "masquerade");
  private static final Set<String> INTERFACE_KEYS = Set.of("name", "address", "mtu");
  private static final Set<String> ADMIN_KEYS = Set.of("listen");
  private static final Set<String> NODE_KEYS = Set.of("localAddress", "address");

  private ConfigParser() {}

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
    rejectUnknown(top, TOP_KEYS, "");

    int vni = integer(top, "vni", "vni", AgentConfig.DEFAULT_VNI, 1, 0xFF_FFFF);
    int port = integer(top, "port", "port", AgentConfig.DEFAULT_PORT, 1, 65535);
    ObjectNode iface = top.has("interface") ? object(top.get("interface"), "interface") : YAML.createObjectNode();
    rejectUnknown(iface, INTERFACE_KEYS, "interface.");

    JsonNode localNode = top.get("localAddress");
    JsonNode addressNode = iface.get("address");
    String localKey = "localAddress";
    String addressKey = "interface.address";
    if (top.has("nodes")) {
      if (localNode != null) {
        throw new ConfigException("localAddress: must not be set at top level when 'nodes' is used (it comes from nodes.<node>.localAddress)");
      }
      if (addressNode != null) {
        throw new ConfigException("interface.address: must not be set when 'nodes' is used (it comes from nodes.<node>.address)");
      }
      ObjectNode nodes = object(top.get("nodes"), "nodes");
      if (nodeName == null || nodeName.isBlank()) {
        throw new ConfigException("nodes: the config has per-node entries but no node name was given (--node or env NODE_NAME)");
      }
      JsonNode entry = nodes.get(nodeName);
      if (entry == null) {
        throw new MissingNodeEntryException(
            "nodes: no entry for node '" + nodeName + "' (entries: " + new TreeSet<>(names(nodes)) + ")");
      }
      String prefix = "nodes." + nodeName + ".";
      ObjectNode nodeEntry = object(entry, "nodes." + nodeName);
      rejectUnknown(nodeEntry, NODE_KEYS, prefix);
      localNode = nodeEntry.get("localAddress");
      addressNode = nodeEntry.get("address");
      localKey = prefix + "localAddress";
      addressKey = prefix + "address";
    }

    Ipv4 local = address(required(localNode, localKey), localKey);
    List<Ipv4> peers = peers(top.get("peers"), local);
    String name = iface.has("name") ? text(iface.get("name"), "interface.name") : AgentConfig.DEFAULT_INTERFACE;
    if (!INTERFACE_NAME.matcher(name).matches()) {
      throw new ConfigException("interface.name: '" + name + "' is not a valid interface name (1-15 of A-Z a-z 0-9 _ . -)");
    }
    Cidr inner = cidr(required(addressNode, addressKey), addressKey);
    if (inner.prefix() == 0 || inner.prefix() == 32) {
      throw new ConfigException(addressKey + ": '" + inner + "' needs a prefix length between 1 and 31 (the device subnet)");
    }
    int mtu = integer(iface, "mtu", "interface.mtu", AgentConfig.DEFAULT_MTU, 576, 9000);
    List<Cidr> routes = routes(top.get("routes"));

    ObjectNode admin = top.has("admin") ? object(top.get("admin"), "admin") : YAML.createObjectNode();
    rejectUnknown(admin, ADMIN_KEYS, "admin.");
    AgentConfig.Admin listen = admin.has("listen")
        ? listen(text(admin.get("listen"), "admin.listen"))
        : new AgentConfig.Admin(AgentConfig.DEFAULT_ADMIN_HOST, AgentConfig.DEFAULT_ADMIN_PORT);
    int ageing = integer(top, "macAgeingSeconds", "macAgeingSeconds", AgentConfig.DEFAULT_MAC_AGEING_SECONDS, 1, 86_400);
    int busyPoll = integer(top, "busyPollMicros", "busyPollMicros", 0, 0, AgentConfig.MAX_BUSY_POLL_MICROS);
    boolean mssClamp = bool(top, "mssClamp", true);
    boolean masquerade = bool(top, "masquerade", false);

    return new AgentConfig(vni, port, local, peers, new AgentConfig.Interface(name, inner, mtu), routes, listen,
        Duration.ofSeconds(ageing), Duration.ofNanos(busyPoll * 1000L), mssClamp,
        masquerade);
  }

  private static List<Ipv4> peers(JsonNode node, Ipv4 local) throws ConfigException {
    if (node == null || node.isNull()) {
      throw new ConfigException("peers: is required (the VPG peers' outer IPs)");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw new ConfigException("peers: must be a non-empty list of IPv4 addresses");
    }
    if (node.size() > AgentConfig.MAX_PEERS) {
      throw new ConfigException("peers: " + node.size() + " peers, at most " + AgentConfig.MAX_PEERS + " are supported");
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
      if (!route.equals(route.network())) {
        throw new ConfigException(key + ": '" + route + "' has host bits set (did you mean " + route.network() + "?)");
      }
      routes.add(route);
    }
    return routes;
  }

  private static AgentConfig.Admin listen(String value) throws ConfigException {
    var m = HOST_PORT.matcher(value);
    boolean valid = m.matches() && Ipv4.parseOrNull(m.group(1)) != null;
    int port = valid ? Integer.parseInt(m.group(2)) : -1;
    if (port < 1 || port > 65535) {
      throw new ConfigException("admin.listen: '" + value + "' is not an IPv4 host:port (e.g. 127.0.0.1:9464)");
    }
    return new AgentConfig.Admin(m.group(1), port);
  }

  private static ObjectNode object(JsonNode node, String key) throws ConfigException {
    if (!(node instanceof ObjectNode object)) {
      throw new ConfigException(key + ": must be a mapping, not " + describe(node));
    }
    return object;
  }

  private static void rejectUnknown(ObjectNode node, Set<String> known, String prefix) throws ConfigException {
    for (String name : names(node)) {
      if (!known.contains(name)) {
        throw new ConfigException(prefix + name + ": unknown key (known: " + new TreeSet<>(known) + ")");
      }
    }
  }

  private static List<String> names(ObjectNode node) {
    List<String> names = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
      names.add(it.next().getKey());
    }
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
