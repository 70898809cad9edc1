package dev.simgate.operator.soracom.model;

/** {@code VirtualPrivateGateway.sessionStats}: SIMs online in the VPG (not real time) and when that was counted (ms). */
public record SessionStats(Long online, Long lastUpdatedAt) {}
