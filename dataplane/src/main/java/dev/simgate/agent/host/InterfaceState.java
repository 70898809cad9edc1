package dev.simgate.agent.host;

import dev.simgate.agent.config.AgentConfig;
import dev.simgate.agent.config.Cidr;
import java.util.List;

/** What the host should have for the agent's interface: up, with this MTU, address and routes. */
public record InterfaceState(String name, Cidr address, int mtu, List<Cidr> routes) {
  public InterfaceState {
    routes = List.copyOf(routes);
  }

  public static InterfaceState of(AgentConfig config) {
    return new InterfaceState(config.iface().name(), config.iface().address(), config.iface().mtu(), config.routes());
  }
}
