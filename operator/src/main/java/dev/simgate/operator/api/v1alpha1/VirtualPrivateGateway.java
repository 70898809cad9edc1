package dev.simgate.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** The remote VXLAN hub (a SORACOM Gate C2D VPG) that SIMs sit behind. Cluster-scoped. */
@Group("simgate.dev")
@Version("v1alpha1")
@Plural("virtualprivategateways")
@ShortNames("vpg")
@AdditionalPrinterColumn(name = "VNI", jsonPath = ".spec.vni", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Peers", jsonPath = ".spec.peers", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Gate-Peers", jsonPath = ".status.gatePeers", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready-Nodes", jsonPath = ".status.readyNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class VirtualPrivateGateway extends CustomResource<VirtualPrivateGatewaySpec, VirtualPrivateGatewayStatus> {
  public VirtualPrivateGateway() {}

  public VirtualPrivateGateway(String name, VirtualPrivateGatewaySpec spec) {
    getMetadata().setName(name);
    setSpec(spec);
  }
}
