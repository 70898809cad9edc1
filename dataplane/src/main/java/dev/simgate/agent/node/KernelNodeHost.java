package dev.simgate.agent.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simgate.agent.host.HostCommand;
import dev.simgate.agent.host.IpCommandHostNetwork;
import dev.simgate.agent.host.NftCounters;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@link NodeHost} through {@code nft -f}, {@code ip -batch} and {@code bridge -batch}: every change reads back what
 * the kernel holds (the steering device, its addresses, neighbours, forwarding entries and the routes of SimGate's
 * protocol) and makes it what the plan says, so a node agent that starts after one was killed adopts what it finds
 * (nothing flaps when it already matches) and removes what no longer belongs.
 */
final class KernelNodeHost implements NodeHost, NodeHandover.Proof {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Marks the steering device as the node agent's. */
  static final String ALIAS = "simgate-node";
  private static final String DEVICE = SteeringPlan.DEVICE;

  private final HostCommand command = new HostCommand(Duration.ofSeconds(10));
  private final Path sysClassNet;

  KernelNodeHost() {
    this(Path.of("/sys/class/net"));
  }

  KernelNodeHost(Path sysClassNet) {
    this.sysClassNet = sysClassNet;
  }

  @Override
  public void nft(String script) throws IOException {
    HostCommand.Result result = command.run(List.of("nft", "-f", "-"), script);
    if (!result.ok()) {
      String shown = script.length() > 2000 ? script.substring(0, 2000) + " ..." : script;
      throw result.failure("nft -f", " [script: " + shown.replace('\n', ' ').strip() + "]");
    }
  }

  @Override
  public void converge(SteeringPlan.State desired) throws IOException {
    JsonNode link = link();
    List<String> ip = new ArrayList<>();
    if (desired.device() == null) {
      removeRoutes();
      if (link != null) {
        run(List.of("ip", "-batch", "-"), List.of("link del dev " + DEVICE));
      }
      return;
    }
    SteeringPlan.Device device = desired.device();
    if (link != null && !matches(link, device)) {
      ip.add("link del dev " + DEVICE);
      link = null;
    }
    if (link == null) {
      ip.add("link add " + DEVICE + " address " + device.mac() + " type vxlan id " + device.vni() + " local "
          + device.local() + " dstport " + device.port() + " nolearning");
    }
    // No IPv6 (no link-local address, no ND) on the steering VXLAN; before "up", when one would be made.
    ip.add("link set dev " + DEVICE + " addrgenmode none alias " + ALIAS);
    // A MAC set, even to the one it has, flushes the device's neighbours (permanent ones too): only when it differs.
    boolean newMac = link != null && !link.path("address").asText().equalsIgnoreCase(device.mac());
    ip.add("link set dev " + DEVICE + " mtu " + device.mtu() + (newMac ? " address " + device.mac() : "") + " up");
    for (String address : link == null ? List.<String>of() : addresses()) {
      if (!address.equals(device.address().toString())) {
        ip.add("addr del " + address + " dev " + DEVICE);
      }
    }
    ip.add("addr replace " + device.address() + " dev " + DEVICE);
    Map<Ipv4, String> neighbours = link == null || newMac ? Map.of() : neighbours();
    neighbours.keySet().stream().filter(address -> !desired.neighbours().containsKey(address))
        .forEach(address -> ip.add("neigh del " + address + " dev " + DEVICE));
    desired.neighbours().forEach((address, mac) -> {
      if (!mac.equals(neighbours.get(address))) {
        ip.add("neigh replace " + address + " lladdr " + mac + " dev " + DEVICE + " nud permanent");
      }
    });
    run(List.of("ip", "-batch", "-"), ip);

    List<String> bridge = new ArrayList<>();
    Map<String, Ipv4> forwarding = link == null ? Map.of() : forwarding();
    forwarding.forEach((mac, underlay) -> {
      if (!underlay.equals(desired.forwarding().get(mac))) {
        bridge.add("fdb del " + mac + " dev " + DEVICE + " dst " + underlay + " self");
      }
    });
    desired.forwarding().forEach((mac, underlay) -> {
      if (!underlay.equals(forwarding.get(mac))) {
        bridge.add("fdb replace " + mac + " dev " + DEVICE + " dst " + underlay + " self permanent");
      }
    });
    if (!bridge.isEmpty()) {
      run(List.of("bridge", "-batch", "-"), bridge);
    }
    routes(desired);
  }

  @Override
  public void routes(SteeringPlan.State desired) throws IOException {
    List<String> commands = new ArrayList<>();
    SteeringPlan.staleRouteKeys(routeKeys(), desired).forEach(key -> commands.add("route del " + key));
    desired.routes().forEach(route -> commands.add("route replace " + route.spec()));
    if (!commands.isEmpty()) {
      run(List.of("ip", "-batch", "-"), commands);
    }
  }

  @Override
  public List<String> removeAll() {
    List<String> removed = new ArrayList<>();
    try {
      if (removeRoutes() > 0) {
        removed.add("routes (proto " + SteeringPlan.PROTOCOL + ")");
      }
    } catch (IOException e) {
      // best effort: the device's own routes go with it below
    }
    try {
      if (link() != null) {
        run(List.of("ip", "-batch", "-"), List.of("link del dev " + DEVICE));
        removed.add("link " + DEVICE);
      }
    } catch (IOException e) {
      // best effort
    }
    try {
      HostCommand.Result tables = command.run(List.of("nft", "list", "table", NodeRuleset.TABLE.split(" ")[0],
          NodeRuleset.TABLE.split(" ")[1]), "");
      if (tables.ok()) {
        nft(NodeRuleset.removeScript());
        removed.add("nftables table " + NodeRuleset.TABLE);
      }
    } catch (IOException e) {
      // best effort
    }
    return removed;
  }

  @Override
  public List<String> removeDetachedGateInterfaces(Set<String> keep) {
    return new IpCommandHostNetwork().removeLeftovers(keep);
  }

  @Override
  public void make(String nonce) throws IOException {
    nft("table " + NodeHandover.table(nonce) + " {\n}\n");
  }

  @Override
  public boolean check(String nonce) {
    String[] table = NodeHandover.table(nonce).split(" ");
    try {
      boolean there = command.run(List.of("nft", "list", "table", table[0], table[1]), "").ok();
      if (there) {
        command.run(List.of("nft", "delete", "table", table[0], table[1]), "");
      }
      return there;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public Map<String, Long> counters() {
    try {
      return NftCounters.read(command, NodeRuleset.TABLE);
    } catch (IOException e) {
      return Map.of();
    }
  }

  /**
   * Links a gate agent runs (tagged with its alias, {@link IpCommandHostNetwork#TAG}), read from sysfs: cheap enough
   * to look every second.
   */
  @Override
  public Set<String> gateInterfaces() {
    Set<String> names = new TreeSet<>();
    gateLinks().forEach(link -> names.add(link.getFileName().toString()));
    return names;
  }

  /**
   * A TAP no process holds has no carrier; an admin-down link has none to read, and is left out (as {@link
   * IpCommandHostNetwork#removeLeftovers} leaves it).
   */
  @Override
  public Map<String, String> detachedGateInterfaces() {
    Map<String, String> detached = new TreeMap<>();
    for (Path link : gateLinks()) {
      try {
        if (read(link, "carrier").equals("0")) {
          detached.put(link.getFileName().toString(), read(link, "ifindex") + "/" + read(link, "carrier_changes"));
        }
      } catch (IOException e) {
        // gone meanwhile, or down
      }
    }
    return detached;
  }

  /** The sysfs directories of the links tagged as gate agents'. */
  private List<Path> gateLinks() {
    List<Path> tagged = new ArrayList<>();
    try (Stream<Path> links = Files.list(sysClassNet)) {
      links.forEach(link -> {
        try {
          if (read(link, "ifalias").equals(IpCommandHostNetwork.TAG)) {
            tagged.add(link);
          }
        } catch (IOException e) {
          // gone meanwhile, or no alias
        }
      });
    } catch (IOException e) {
      // no sysfs: the default name only
    }
    return tagged;
  }

  private static String read(Path link, String attribute) throws IOException {
    return Files.readString(link.resolve(attribute)).strip();
  }

  /** Removes every route of SimGate's protocol; returns how many there were. */
  private int removeRoutes() throws IOException {
    List<String> keys = routeKeys();
    if (!keys.isEmpty()) {
      run(List.of("ip", "-force", "-batch", "-"), keys.stream().map(key -> "route del " + key).toList());
    }
    return keys.size();
  }

  /** The steering device as {@code ip -d -j link} shows it, or null when there is none. */
  private JsonNode link() throws IOException {
    HostCommand.Result result = command.run(List.of("ip", "-d", "-j", "link", "show", "dev", DEVICE), "");
    if (!result.ok()) {
      return null; // "Device does not exist"
    }
    JsonNode links = JSON.readTree(result.stdout());
    return links.isArray() && !links.isEmpty() ? links.get(0) : null;
  }

  /** Whether the existing device is the VXLAN the plan asks for (VNI, port and source cannot change in place). */
  static boolean matches(JsonNode link, SteeringPlan.Device device) {
    JsonNode info = link.path("linkinfo");
    JsonNode data = info.path("info_data");
    return info.path("info_kind").asText().equals("vxlan") && data.path("id").asInt() == device.vni()
        && data.path("port").asInt() == device.port() && data.path("local").asText().equals(device.local().toString());
  }

  private List<String> addresses() throws IOException {
    List<String> addresses = new ArrayList<>();
    for (JsonNode link : JSON.readTree(check(List.of("ip", "-j", "-4", "addr", "show", "dev", DEVICE)))) {
      for (JsonNode info : link.path("addr_info")) {
        addresses.add(info.path("local").asText() + "/" + info.path("prefixlen").asInt());
      }
    }
    return addresses;
  }

  private Map<Ipv4, String> neighbours() throws IOException {
    Map<Ipv4, String> neighbours = new TreeMap<>();
    for (JsonNode entry : JSON.readTree(check(List.of("ip", "-j", "-4", "neigh", "show", "dev", DEVICE)))) {
      Ipv4 address = Ipv4.parseOrNull(entry.path("dst").asText());
      if (address != null) {
        neighbours.put(address, entry.path("lladdr").asText(""));
      }
    }
    return neighbours;
  }

  private Map<String, Ipv4> forwarding() throws IOException {
    Map<String, Ipv4> entries = new TreeMap<>();
    for (JsonNode entry : JSON.readTree(check(List.of("bridge", "-j", "fdb", "show", "dev", DEVICE)))) {
      Ipv4 dst = Ipv4.parseOrNull(entry.path("dst").asText());
      if (dst != null) {
        entries.put(entry.path("mac").asText(), dst);
      }
    }
    return entries;
  }

  /** The node agent's routes in the main table, as {@link SteeringPlan.Route#key()}s. */
  private List<String> routeKeys() throws IOException {
    List<String> keys = new ArrayList<>();
    String json = check(List.of("ip", "-j", "-4", "route", "show", "table", "main", "proto",
        Integer.toString(SteeringPlan.PROTOCOL)));
    for (JsonNode route : JSON.readTree(json.isBlank() ? "[]" : json)) {
      String dst = route.path("dst").asText();
      Cidr destination = Cidr.parseOrNull(dst.contains("/") ? dst : dst + "/32");
      if (destination != null) {
        keys.add(SteeringPlan.Route.key(route.path("type").asText().equals("unreachable"), destination,
            route.path("metric").asInt(0)));
      }
    }
    return keys;
  }

  private String check(List<String> argv) throws IOException {
    HostCommand.Result result = command.run(argv, "");
    if (!result.ok()) {
      throw result.failure(String.join(" ", argv), "");
    }
    return result.stdout().isBlank() ? "[]" : result.stdout();
  }

  private void run(List<String> argv, List<String> commands) throws IOException {
    HostCommand.Result result = command.run(argv, String.join("\n", commands) + "\n");
    if (!result.ok() && !argv.contains("-force")) {
      throw result.failure(String.join(" ", argv), " [commands: " + String.join("; ", commands) + "]");
    }
  }
}
