package dev.simgate.operator.devicesubnet;

import java.util.Objects;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;

/**
 * DeviceSubnets as the access controller reads them: identity, VPG, podSelector, exposedServices, the two status
 * fields it writes and the generation the DeviceSubnet controller last decided on; not the named devices (up to 500
 * each), which the DeviceSubnet controller's own cache holds.
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
      status.observedGeneration = subnet.getStatus().observedGeneration;
      trimmed.setStatus(status);
    }
    return super.put(key, trimmed);
  }

  /** Whether the DeviceSubnet controller has decided on the DeviceSubnet's current generation. */
  static boolean decided(DeviceSubnet subnet) {
    return subnet.getStatus() != null
        && Objects.equals(subnet.getStatus().observedGeneration, subnet.getMetadata().getGeneration());
  }

  /**
   * The updates the access controller reacts to: a new generation, and the DeviceSubnet controller's decision on it
   * (not its own writes, nor the other status fields).
   */
  public static final class Decisions implements OnUpdateFilter<DeviceSubnet> {
    @Override
    public boolean accept(DeviceSubnet next, DeviceSubnet previous) {
      return !Objects.equals(next.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
          || decided(next) != decided(previous);
    }
  }
}
