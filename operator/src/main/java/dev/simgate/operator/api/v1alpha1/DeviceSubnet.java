package dev.simgate.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** SIM ranges that the workloads of one namespace may reach through a VPG, and named devices published as Services. */
@Group("simgate.dev")
@Version("v1alpha1")
@Plural("devicesubnets")
@ShortNames("dsn")
@AdditionalPrinterColumn(name = "VPG", jsonPath = ".spec.vpgRef", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "CIDRs", jsonPath = ".spec.cidrs", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Devices", jsonPath = ".status.devices", type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = ".status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class DeviceSubnet extends CustomResource<DeviceSubnetSpec, DeviceSubnetStatus> implements Namespaced {
  public DeviceSubnet() {}

  public DeviceSubnet(String namespace, String name, DeviceSubnetSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
