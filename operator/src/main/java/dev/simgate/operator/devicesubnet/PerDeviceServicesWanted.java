package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;

/** Per-device Services only where spec.perDeviceServices asks; where not, JOSDK deletes the ones there are. */
public class PerDeviceServicesWanted implements Condition<HasMetadata, DeviceSubnet> {
  @Override
  public boolean isMet(DependentResource<HasMetadata, DeviceSubnet> dependentResource, DeviceSubnet primary,
      Context<DeviceSubnet> context) {
    return primary.getSpec().wantsPerDeviceServices();
  }
}
