package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.status.Pruning;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** One EndpointSlice per published device, holding the SIM address behind the device's own Service. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.DEVICE_DNS_SELECTOR,
    informerListLimit = Pruning.LIST_PAGE))
public class DeviceEndpointSliceDependent extends DeviceDependent<EndpointSlice> {
  public DeviceEndpointSliceDependent() {
    super(EndpointSlice.class);
  }

  @Override
  EndpointSlice build(String namespace, String deviceSubnet, PublishedDevice device) {
    return DeviceResources.endpointSlice(namespace, deviceSubnet, device.device().name, device.device().address,
        device.resolvable());
  }
}
