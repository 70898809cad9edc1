package dev.simgate.contract.nodepolicy;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.contract.nodepolicy.NodePolicy.Access;
import dev.simgate.contract.nodepolicy.NodePolicy.Exposure;
import dev.simgate.contract.nodepolicy.NodePolicy.Gate;
import dev.simgate.contract.nodepolicy.NodePolicy.Protocol;
import dev.simgate.contract.nodepolicy.NodePolicy.Route;
import dev.simgate.contract.nodepolicy.NodePolicy.Steering;
import dev.simgate.contract.nodepolicy.NodePolicy.SteeringNode;
import dev.simgate.contract.nodepolicy.NodePolicy.Target;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * {@link NodePolicy} as compact JSON (it can list thousands of pod addresses) with one writer and one parser.
 * The writer keeps the order it is given, so the operator, which sorts, never rewrites an unchanged policy; the parser
 * checks every field and names the one that is wrong ({@code steering.nodes[2].underlay: '10.0.0' is not an IPv4
 * address}), so a bad document is refused whole and the node keeps the policy it has.
 */
public final class NodePolicyCodec {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NodePolicyCodec() {}

  public static String write(NodePolicy policy) {
    ObjectNode root = JSON.createObjectNode().put("node", policy.node());
    ArrayNode access = root.putArray("access");
    for (Access entry : policy.access()) {
      ObjectNode item = access.addObject().put("owner", entry.owner());
      entry.sources().forEach(source -> item.withArray("sources").add(source.toString()));
      entry.destinations().forEach(cidr -> item.withArray("destinations").add(cidr.toString()));
    }
    if (policy.steering() != null) {
      Steering steering = policy.steering();
      ObjectNode item = root.putObject("steering")
          .put("vni", steering.vni())
          .put("port", steering.port())
          .put("mtu", steering.mtu())
          .put("localAddress", steering.localAddress().toString())
          .put("address", steering.address().toString());
      writeTable(item, steering.nodes(), steering.routes());
    }
    ArrayNode exposures = root.putArray("exposures");
    for (Exposure exposure : policy.exposures()) {
      ObjectNode item = exposures.addObject()
          .put("owner", exposure.owner())
          .put("protocol", exposure.protocol().text())
          .put("address", exposure.address().toString())
          .put("port", exposure.port());
      ArrayNode sources = item.putArray("sources");
      exposure.sources().forEach(cidr -> sources.add(cidr.toString()));
      ArrayNode targets = item.putArray("targets");
      exposure.targets().forEach(t -> targets.add(t.address() + ":" + t.port()));
    }
    return text(root);
  }

  private static String text(ObjectNode root) {
    try {
      return JSON.writeValueAsString(root);
    } catch (JacksonException e) {
      throw new IllegalStateException("cannot write a node policy", e);
    }
  }

  /** The steering table ({@link NodePolicy#TABLE_CONFIG_MAP}): every node of the steering VXLAN and every route. */
  public static String writeTable(List<SteeringNode> nodes, List<Route> routes) {
    ObjectNode root = JSON.createObjectNode();
    writeTable(root, nodes, routes);
    return text(root);
  }

  private static void writeTable(ObjectNode item, List<SteeringNode> nodes, List<Route> routes) {
    ArrayNode nodeList = item.putArray("nodes");
    for (SteeringNode node : nodes) {
      nodeList.addObject().put("name", node.name()).put("underlay", node.underlay().toString())
          .put("address", node.address().toString()).put("gate", node.gate());
    }
    // Every CIDR of a VPG goes to the same gate nodes: each set of gates is written once and routes name it by
    // index, so a document stays O(CIDRs + gate nodes), not O(CIDRs x gate nodes) (250 x 1,000 at fleet scale).
    Map<List<Gate>, Integer> gateSets = new LinkedHashMap<>();
    ArrayNode routeList = item.putArray("routes");
    for (Route route : routes) {
      routeList.addObject().put("destination", route.destination().toString())
          .put("gates", gateSets.computeIfAbsent(route.gates(), k -> gateSets.size()));
    }
    ArrayNode sets = item.putArray("gateSets");
    for (List<Gate> set : gateSets.keySet()) {
      ArrayNode gates = sets.addArray();
      set.forEach(g -> gates.addObject().put("node", g.node()).put("innerAddress", g.innerAddress().toString()));
    }
  }

  /**
   * A node's own document joined with the steering table: the table's nodes, and its routes without this node's own
   * gate entry (its agent routes those CIDRs itself). A document without steering ignores the table.
   *
   * @param table null: none written yet (no nodes, no routes)
   */
  public static NodePolicy join(String own, String table) throws ConfigException {
    NodePolicy policy = parse(own);
    Steering steering = policy.steering();
    if (steering == null || table == null) {
      return policy;
    }
    Table shared = parseTable(table);
    Map<List<Gate>, List<Gate>> others = new IdentityHashMap<>();
    List<Route> routes = shared.routes().stream().map(r -> new Route(r.destination(), others.computeIfAbsent(r.gates(),
        gates -> gates.stream().filter(g -> !g.node().equals(policy.node())).toList()))).toList();
    return new NodePolicy(policy.node(), policy.access(), new Steering(steering.vni(), steering.port(),
        steering.mtu(), steering.localAddress(), steering.address(), shared.nodes(), routes), policy.exposures());
  }

  private record Table(List<SteeringNode> nodes, List<Route> routes) {}

  private static Table parseTable(String json) throws ConfigException {
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject()) {
        throw new Invalid("", "must be a JSON object");
      }
      return table(new Reader(""), root);
    } catch (JacksonException e) {
      throw new ConfigException("steering table is not JSON: " + e.getOriginalMessage(), e);
    } catch (Invalid e) {
      throw new ConfigException("steering table: " + e.getMessage());
    }
  }

  private static Table table(Reader r, JsonNode item) {
    List<List<Gate>> gateSets = r.list(item, "gateSets", (s, set) -> s.elements(set,
        (g, gate) -> new Gate(g.text(gate, "node"), g.address(gate, "innerAddress"))));
    return new Table(
        r.list(item, "nodes", (n, node) -> new SteeringNode(n.text(node, "name"), n.address(node, "underlay"),
            n.address(node, "address"), n.bool(node, "gate"))),
        r.list(item, "routes", (n, route) -> new Route(n.network(route, "destination"),
            gateSets.get(n.number(route, "gates", 0, gateSets.size() - 1)))));
  }

  public static NodePolicy parse(String json) throws ConfigException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JacksonException e) {
      throw new ConfigException("node policy is not JSON: " + e.getOriginalMessage(), e);
    }
    try {
      Reader in = new Reader("");
      if (root == null || !root.isObject()) {
        throw new Invalid("", "must be a JSON object");
      }
      String node = in.text(root, "node");
      List<Access> access = in.list(root, "access", (r, item) ->
          new Access(r.text(item, "owner"), r.list(item, "sources", (s, v) -> s.address(v)),
              r.list(item, "destinations", (s, v) -> s.network(v))));
      Steering steering = root.hasNonNull("steering") ? steering(in.at("steering"), root.get("steering")) : null;
      List<Exposure> exposures = in.list(root, "exposures", (r, item) -> new Exposure(
          r.text(item, "owner"),
          r.protocol(item, "protocol"),
          r.address(item, "address"),
          r.number(item, "port", 1, 65535),
          r.list(item, "sources", (s, v) -> s.network(v)),
          r.list(item, "targets", (s, v) -> s.target(v))));
      return new NodePolicy(node, access, steering, exposures);
    } catch (Invalid e) {
      throw new ConfigException("node policy: " + e.getMessage());
    }
  }

  private static Steering steering(Reader r, JsonNode item) {
    Cidr address = r.cidr(item, "address");
    Table table = table(r, item);
    return new Steering(
        r.number(item, "vni", 1, 16_777_215),
        r.number(item, "port", 1, 65535),
        r.number(item, "mtu", 576, 9000),
        r.address(item, "localAddress"),
        address,
        table.nodes(),
        table.routes());
  }

  /** A field that is missing or wrong: the message starts with its path. */
  private static final class Invalid extends RuntimeException {
    Invalid(String path, String problem) {
      super((path.isEmpty() ? "" : path + ": ") + problem);
    }
  }

  /** Reads the fields of one object, knowing the path that leads to it. */
  private record Reader(String path) {
    Reader at(String key) {
      return new Reader(path.isEmpty() ? key : path + "." + key);
    }

    JsonNode field(JsonNode object, String key) {
      JsonNode value = object.get(key);
      if (value == null || value.isNull()) {
        throw new Invalid(at(key).path, "missing");
      }
      return value;
    }

    String text(JsonNode object, String key) {
      JsonNode value = field(object, key);
      if (!value.isTextual() || value.asText().isBlank()) {
        throw new Invalid(at(key).path, "must be a non-empty string");
      }
      return value.asText();
    }

    boolean bool(JsonNode object, String key) {
      JsonNode value = field(object, key);
      if (!value.isBoolean()) {
        throw new Invalid(at(key).path, "must be true or false");
      }
      return value.asBoolean();
    }

    int number(JsonNode object, String key, int min, int max) {
      JsonNode value = field(object, key);
      if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
        throw new Invalid(at(key).path, "must be an integer " + min + ".." + max + ", was " + value);
      }
      return value.asInt();
    }

    Ipv4 address(JsonNode object, String key) {
      return at(key).address(field(object, key));
    }

    Cidr cidr(JsonNode object, String key) {
      String text = text(object, key);
      Cidr cidr = Cidr.parseOrNull(text);
      if (cidr == null) {
        throw new Invalid(at(key).path, "'" + text + "' is not an IPv4 CIDR");
      }
      return cidr;
    }

    Cidr network(JsonNode object, String key) {
      return at(key).network(field(object, key));
    }

    Protocol protocol(JsonNode object, String key) {
      String text = text(object, key);
      try {
        return Protocol.valueOf(text.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new Invalid(at(key).path, "must be tcp or udp, was '" + text + "'");
      }
    }

    /** An array field (absent: empty), each element read by {@code element} with its index in the path. */
    <T> List<T> list(JsonNode object, String key, BiFunction<Reader, JsonNode, T> element) {
      JsonNode value = object.get(key);
      if (value == null || value.isNull()) {
        return List.of();
      }
      return at(key).elements(value, element);
    }

    /** This reader's value, which must be an array, each element read by {@code element}. */
    <T> List<T> elements(JsonNode value, BiFunction<Reader, JsonNode, T> element) {
      if (!value.isArray()) {
        throw new Invalid(path, "must be a list");
      }
      List<T> items = new ArrayList<>(value.size());
      for (int i = 0; i < value.size(); i++) {
        items.add(element.apply(new Reader(path + "[" + i + "]"), value.get(i)));
      }
      return items;
    }

    // The element readers below read the value itself (this reader's path is the element's).

    Ipv4 address(JsonNode value) {
      Ipv4 address = value.isTextual() ? Ipv4.parseOrNull(value.asText()) : null;
      if (address == null) {
        throw new Invalid(path, value + " is not an IPv4 address");
      }
      return address;
    }

    Cidr network(JsonNode value) {
      Cidr cidr = value.isTextual() ? Cidr.parseOrNull(value.asText()) : null;
      if (cidr == null || !cidr.isNetwork()) {
        throw new Invalid(path, value + " is not an IPv4 network (a CIDR without host bits)");
      }
      return cidr;
    }

    Target target(JsonNode value) {
      String text = value.isTextual() ? value.asText() : "";
      int colon = text.lastIndexOf(':');
      Ipv4 address = colon < 0 ? null : Ipv4.parseOrNull(text.substring(0, colon));
      int port = -1;
      try {
        port = colon < 0 ? -1 : Integer.parseInt(text.substring(colon + 1));
      } catch (NumberFormatException e) {
        // reported below
      }
      if (address == null || port < 1 || port > 65535) {
        throw new Invalid(path, value + " is not an IPv4 address:port");
      }
      return new Target(address, port);
    }
  }
}
