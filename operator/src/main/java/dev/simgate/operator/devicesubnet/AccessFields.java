package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * DeviceSubnets as the access controller reads them: identity, VPG, podSelector, exposedServices and the two status
 * fields it writes; not the named devices (up to 500 each), which the DeviceSubnet controller's own cache holds.
 */
public final class AccessFields extends BasicItemStore<DeviceSubnet> {
  public AccessFields() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public DeviceSubnet put(String key, DeviceSubnet subnet) {
    DeviceSubnet trimmed = new DeviceSubnet();
    trimmed.setMetadata(new ObjectMetaBuilder()
        .withNamespace(subnet.getMetadata().getNamespace())
        .withName(subnet.getMetadata().getName())
        .withUid(subnet.getMetadata().getUid())
        .withResourceVersion(subnet.getMetadata().getResourceVersion())
        .withGeneration(subnet.getMetadata().getGeneration())
        .withDeletionTimestamp(subnet.getMetadata().getDeletionTimestamp())
        .build());
    DeviceSubnetSpec spec = new DeviceSubnetSpec();
    if (subnet.getSpec() != null) {
      spec.vpgRef = subnet.getSpec().vpgRef;
      spec.cidrs = subnet.getSpec().cidrs;
      spec.podSelector = subnet.getSpec().podSelector;
      spec.exposedServices = subnet.getSpec().exposedServices;
    }
    trimmed.setSpec(spec);
    if (subnet.getStatus() != null) {
      DeviceSubnetStatus status = new DeviceSubnetStatus();
      status.access = subnet.getStatus().access;
      status.exposedServices = subnet.getStatus().exposedServices;
      trimmed.setStatus(status);
    }
    return super.put(key, trimmed);
  }
}
