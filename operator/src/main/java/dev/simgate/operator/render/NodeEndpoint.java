package dev.simgate.operator.render;

import dev.simgate.contract.net.Ipv4;

/** One gate node as the agent sees it: its outer address and its inner address (without prefix). */
public record NodeEndpoint(String node, Ipv4 outerAddress, Ipv4 innerAddress) {
  public NodeEndpoint(String node, String outerAddress, String innerAddress) {
    this(node, Ipv4.parse(outerAddress), Ipv4.parse(innerAddress));
  }
}
