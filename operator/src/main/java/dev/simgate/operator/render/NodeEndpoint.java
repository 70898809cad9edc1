package dev.simgate.operator.render;

/** One gate node as the agent sees it: its outer address and its inner address (without prefix). */
public record NodeEndpoint(String node, String outerAddress, String innerAddress) {}
