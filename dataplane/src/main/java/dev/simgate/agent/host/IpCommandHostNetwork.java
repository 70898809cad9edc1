package dev.simgate.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.simgate.contract.net.Cidr;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;


/**
 * {@link HostNetwork} through iproute2 and nftables: one {@code ip -batch -} per change, with
 * idempotent verbs ({@code link set}, {@code addr replace}, {@code route replace}), so running it
 * twice changes nothing and a partly applied earlier run is simply completed; then one
 * {@code nft -f -} transaction for the agent's table ({@link NftablesRules}). At start, what an agent killed with
 * SIGKILL left is read back from the host and adopted or removed.
 */
public final class IpCommandHostNetwork implements HostNetwork {
  /** iproute2 and nft finish in milliseconds; a hung one must not hold a reload (or the shutdown) forever. */
  private final HostCommand command = new HostCommand(Duration.ofSeconds(10));
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Marks the agent's links (ifalias), so that a later start recognises what an agent killed with SIGKILL left. */
  public static final String TAG = "simgate-agent";
  /** The node agent's table: named as an agent's are ({@code simgate_...}), and never an agent's leftover. */
  public static final String NODE_AGENT_TABLE = "simgate_node";
  /** The node agent's handover proofs are tables named with this prefix and a nonce: not an agent's leftovers. */
  public static final String NODE_HANDOVER_TABLE_PREFIX = "simgate_handover_";

  @Override
  public void converge(InterfaceState current, InterfaceState desired) throws IOException {
    HostCommand.Result routes = command.run(List.of("ip", "-4", "-o", "route", "show", "table", "main"), "");
    if (!routes.ok()) {
      throw routes.failure("ip route show", "");
    }
    ForeignRoutes.refuse(routes.stdout(), desired);
    run(convergeCommands(current, desired), false);
    nft(NftablesRules.script(desired));
  }

  @Override
  public void adopt(InterfaceState desired) throws IOException {
    String dev = desired.name();
    List<String> stale = new ArrayList<>();
    for (String line : check(List.of("ip", "-4", "-o", "addr", "show", "dev", dev)).split("\n")) {
      int inet = line.indexOf(" inet ");
      if (inet >= 0) {
        String address = line.substring(inet + 6).split(" ")[0];
        if (!address.equals(desired.address().toString())) {
          stale.add("addr del " + address + " dev " + dev);
        }
      }
    }
    for (String line : check(List.of("ip", "-4", "route", "show", "dev", dev)).split("\n")) {
      String[] words = line.strip().split(" ");
      Cidr route = words[0].isEmpty() ? null : Cidr.parseOrNull(words[0].contains("/") ? words[0] : words[0] + "/32");
      if (route != null && !line.contains("proto kernel") && !desired.routes().contains(route)) {
        stale.add("route del " + route + " dev " + dev);
      }
    }
    if (!stale.isEmpty()) {
      run(stale, true);
    }
    converge(null, desired);
  }

  @Override
  public void setAlias(String name, String alias) throws IOException {
    run(List.of("link set dev " + name + " alias " + alias), false);
  }

  @Override
  public List<String> removeLeftovers(Set<String> keep) {
    List<String> removed = new ArrayList<>();
    try {
      List<String> links = new ArrayList<>();
      for (String line : check(List.of("ip", "-o", "link", "show")).split("\n")) {
        String[] parts = line.split(": ", 3);
        if (parts.length < 3) {
          continue;
        }
        String name = parts[1].split("@")[0];
        links.add(name);
        boolean ours = line.contains(" alias " + TAG) || line.contains(" alias simgate-handover-");
        if (ours && !keep.contains(name) && detached(name)) {
          // The table first: the link is how a leftover is found, so one interrupted here is found again, and once the
          // link is gone nothing of it is left.
          nft(NftablesRules.removeScript(name));
          deleteLink(name);
          removed.add("link " + name);
          links.remove(name);
        }
      }
      JsonNode tables = JSON.readTree(check(List.of("nft", "-j", "list", "tables", "inet"))).path("nftables");
      for (JsonNode item : tables) {
        String table = item.path("table").path("name").asText("");
        boolean anyLink = links.stream().anyMatch(link -> NftablesRules.tableName(link).equals(table));
        boolean kept = keep.stream().anyMatch(name -> NftablesRules.tableName(name).equals(table));
        if (agentTable(table) && !anyLink && !kept) {
          nft("table inet " + table + "\ndelete table inet " + table + "\n");
          removed.add("nftables table " + table);
        }
      }
    } catch (IOException e) {
      // leftovers stay; the agent still converges its own interface
    }
    return removed;
  }

  /** Whether the table is named as an agent's, and is not one of the node agent's (which would lose its rules). */
  private static boolean agentTable(String table) {
    return table.startsWith("simgate_") && !table.equals(NODE_AGENT_TABLE)
        && !table.startsWith(NODE_HANDOVER_TABLE_PREFIX);
  }

  /** A TAP no process holds has no carrier; an admin-down link has none to read, and is left alone. */
  private static boolean detached(String name) {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/sys/class/net", name, "carrier")).strip()
          .equals("0");
    } catch (IOException e) {
      return false;
    }
  }

  private String check(List<String> argv) throws IOException {
    HostCommand.Result result = command.run(argv, "");
    if (!result.ok()) {
      throw result.failure(String.join(" ", argv), "");
    }
    return result.stdout();
  }

  @Override
  public void remove(InterfaceState state) {
    try {
      run(removeCommands(state), true);
    } catch (IOException e) {
      // -force keeps going past routes that are already gone; nothing left to do.
    }
    try {
      nft(NftablesRules.removeScript(state.name()));
    } catch (IOException e) {
      // best effort, as documented
    }
  }

  @Override
  public Map<String, Long> kernelCounters(String name) {
    try {
      return NftCounters.read(command, NftablesRules.table(name));
    } catch (IOException e) {
      return Map.of();
    }
  }

  @Override
  public boolean linkExists(String name) {
    try {
      return command.run(List.of("ip", "link", "show", "dev", name), "").ok();
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public void deleteLink(String name) {
    try {
      command.run(List.of("ip", "link", "del", "dev", name), "");
    } catch (IOException e) {
      // best effort
    }
  }

  /** The batch that takes the host from {@code current} (may be null) to {@code desired}. */
  static List<String> convergeCommands(InterfaceState current, InterfaceState desired) {
    String dev = desired.name();
    List<String> commands = new ArrayList<>();
    // No IPv6 on the interface: no link-local address, so the host neither autoconfigures nor speaks ND into the
    // tunnel (the agent drops IPv6 coming out of it). Before "up", which is when a link-local address would be made.
    commands.add("link set dev " + dev + " addrgenmode none alias " + TAG);
    commands.add("link set dev " + dev + " mtu " + desired.mtu() + " gso_max_segs " + desired.gsoMaxSegments()
        + (desired.up() ? " up" : " down"));
    if (current != null && !current.address().equals(desired.address())) {
      commands.add("addr del " + current.address() + " dev " + dev);
    }
    commands.add("addr replace " + desired.address() + " dev " + dev);
    if (!desired.up()) {
      return commands; // a link going down takes its routes along; none can be added to a down link
    }
    if (current != null && current.up()) {
      for (Cidr route : current.routes()) {
        if (!desired.routes().contains(route)) {
          commands.add("route del " + route + " dev " + dev);
        }
      }
    }
    for (Cidr route : desired.routes()) {
      commands.add("route replace " + route + " dev " + dev);
    }
    return commands;
  }

  static List<String> removeCommands(InterfaceState state) {
    List<String> commands = new ArrayList<>();
    for (Cidr route : state.routes()) {
      commands.add("route del " + route + " dev " + state.name());
    }
    commands.add("addr del " + state.address() + " dev " + state.name());
    return commands;
  }

  private void run(List<String> commands, boolean force) throws IOException {
    List<String> argv = force ? List.of("ip", "-force", "-batch", "-") : List.of("ip", "-batch", "-");
    HostCommand.Result result = command.run(argv, String.join("\n", commands) + "\n");
    if (!result.ok() && !force) {
      throw result.failure("ip -batch", " [commands: " + String.join("; ", commands) + "]");
    }
  }

  private void nft(String script) throws IOException {
    HostCommand.Result result;
    try {
      result = command.run(List.of("nft", "-f", "-"), script);
    } catch (IOException e) {
      throw new IOException("nft (nftables) is needed; install it, or set mssClamp: false and masquerade: false ("
          + e.getMessage() + ")", e);
    }
    if (!result.ok()) {
      throw result.failure("nft -f", " [script: " + script.replace('\n', ' ').strip() + "]");
    }
  }
}
