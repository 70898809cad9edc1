package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** One headless selector-less Service per named device. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class DeviceServiceDependent extends DeviceDependent<Service> {
  public DeviceServiceDependent() {
    super(Service.class);
  }

  @Override
  Service build(String namespace, String deviceSubnet, Device device, boolean resolvable) {
    return DeviceResources.service(namespace, deviceSubnet, device);
  }
}
