package dev.simgate.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * What the gate peers route for a DeviceSubnet: its VPG and CIDRs as last accepted, reported from the operator's range
 * ledger ({@link dev.simgate.operator.routes.RangeLedger}). A later change that fails a cross-object check leaves this,
 * and so the nodes, as it was.
 */
public record RoutedCidrs(
    @JsonPropertyDescription("The VirtualPrivateGateway whose gate peers route these CIDRs.") String vpgRef,
    @JsonPropertyDescription("The CIDRs routed through the VPG's gate peers.") List<String> cidrs) {}
