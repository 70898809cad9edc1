package dev.simgate.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** Which nodes act as gate peers of a VPG: each selected node runs the agent with its own inner address. */
@Group("simgate.dev")
@Version("v1alpha1")
@Plural("gatepeers")
@ShortNames("gp")
@AdditionalPrinterColumn(name = "VPG", jsonPath = ".spec.vpgRef", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Pool", jsonPath = ".spec.innerAddressPool", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Nodes", jsonPath = ".status.desiredNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready-Nodes", jsonPath = ".status.readyNodes", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
// A GatePeer's objects are named simgate-<name> in the operator's namespace, beside the operator's own
// simgate-node-<node> (node policies), simgate-ranges-<vpg> (range ledgers) and simgate-steering.
@ValidationRule(value = "!self.metadata.name.startsWith('node-') && !self.metadata.name.startsWith('ranges-')"
    + " && self.metadata.name != 'steering'",
    message = "metadata.name: a GatePeer may not be named node-*, ranges-* or steering (its objects, simgate-<name>,"
        + " would take the names of the operator's node policies, range ledgers or steering addresses)")
public class GatePeer extends CustomResource<GatePeerSpec, GatePeerStatus> {
  public GatePeer() {}

  public GatePeer(String name, GatePeerSpec spec) {
    getMetadata().setName(name);
    setSpec(spec);
  }
}
