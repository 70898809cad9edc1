package dev.simgate.agent.host;

import dev.simgate.contract.net.Cidr;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;


/**
 * {@link HostNetwork} through iproute2 and nftables: one {@code ip -batch -} per change, with
 * idempotent verbs ({@code link set}, {@code addr replace}, {@code route replace}), so running it
 * twice changes nothing and a partly applied earlier run is simply completed; then one
 * {@code nft -f -} transaction for the MSS clamp and masquerade ({@link NftablesRules}).
 */
public final class IpCommandHostNetwork implements HostNetwork {
  /** iproute2 and nft finish in milliseconds; a hung one must not hold a reload (or the shutdown) forever. */
  private final HostCommand command = new HostCommand(Duration.ofSeconds(10));

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
    commands.add("link set dev " + dev + " mtu " + desired.mtu() + " gso_max_segs " + desired.gsoMaxSegments() + " up");
    if (current != null && !current.address().equals(desired.address())) {
      commands.add("addr del " + current.address() + " dev " + dev);
    }
    commands.add("addr replace " + desired.address() + " dev " + dev);
    if (current != null) {
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
