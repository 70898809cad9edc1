package dev.simgate.contract.agentconfig;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;

/**
 * One node's own addresses: at top level in the standalone shape ({@code localAddress}, {@code interface.address}),
 * under {@code nodes.<node>} ({@code localAddress}, {@code address}) in the cluster shape.
 *
 * @param localAddress the node's outer IP; the agent's UDP socket binds to it
 * @param interfaceAddress the node's inner IP with the device subnet's prefix length
 */
public record NodeAddresses(Ipv4 localAddress, Cidr interfaceAddress) {}
