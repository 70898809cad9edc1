package dev.simgate.operator.soracom.model;

import java.util.List;

/** {@code ArcSessionStatus} (reference §7.7), the fields SimGate may read: an Arc virtual SIM's address and VPG. */
public record ArcSessionStatus(String arcClientPeerIpAddress, List<String> arcAllowedIPs, String vpgId, Long lastUpdatedAt) {}
