package dev.simgate.agent.node;

import dev.simgate.contract.net.Ipv4;

/**
 * The MAC address of a node's steering device, derived from its steering address ({@code 02:53:} and the address's
 * four octets: locally administered, unicast). Every node knows every other node's steering address from the policy,
 * so it knows their MACs too: neighbours and forwarding entries are static, and the steering VXLAN carries no ARP
 * (nor depends on {@code arp_ignore} settings of the gate nodes, where the inner address is on another interface).
 */
final class SteeringMac {
  private SteeringMac() {}

  static String of(Ipv4 steeringAddress) {
    int bits = steeringAddress.bits();
    return String.format("02:53:%02x:%02x:%02x:%02x", bits >>> 24, (bits >>> 16) & 0xff, (bits >>> 8) & 0xff,
        bits & 0xff);
  }
}
