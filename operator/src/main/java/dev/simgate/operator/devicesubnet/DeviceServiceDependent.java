package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.status.Pruning;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** One headless selector-less Service per published device (spec.perDeviceServices). */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.DEVICE_DNS_SELECTOR,
    informerListLimit = Pruning.LIST_PAGE))
public class DeviceServiceDependent extends DeviceDependent<Service> {
  public DeviceServiceDependent() {
    super(Service.class);
  }

  @Override
  Service build(String namespace, String deviceSubnet, PublishedDevice device) {
    return DeviceResources.service(namespace, deviceSubnet, device.device().name);
  }
}
