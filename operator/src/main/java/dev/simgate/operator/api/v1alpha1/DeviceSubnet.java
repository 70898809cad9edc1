package dev.simgate.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * SIM ranges that the workloads of one namespace may reach through a VPG, and named devices published in cluster DNS
 * under the DeviceSubnet's headless Service, which is why its name must be a Service name. The rule judges new objects
 * only: one created before it keeps working, and the operator reports its name instead.
 */
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
@ValidationRule(value = "oldSelf.hasValue() || (size(self.metadata.name) <= 63"
    + " && self.metadata.name.matches('" + DeviceSubnet.SERVICE_NAME + "'))", optionalOldSelf = true,
    message = "metadata.name must be a DNS label that starts with a letter (at most 63 characters): it names the"
        + " DeviceSubnet's headless Service, under which its devices resolve")
public class DeviceSubnet extends CustomResource<DeviceSubnetSpec, DeviceSubnetStatus> implements Namespaced {
  /** A Service name (RFC 1035 label); at most 63 characters. */
  public static final String SERVICE_NAME = "^[a-z]([-a-z0-9]*[a-z0-9])?$";

  public DeviceSubnet() {}

  public DeviceSubnet(String namespace, String name, DeviceSubnetSpec spec) {
    getMetadata().setNamespace(namespace);
    getMetadata().setName(name);
    setSpec(spec);
  }
}
