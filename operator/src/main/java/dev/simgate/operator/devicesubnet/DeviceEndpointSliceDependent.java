package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** One EndpointSlice per named device, holding the SIM address behind the device's Service. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class DeviceEndpointSliceDependent extends DeviceDependent<EndpointSlice> {
  public DeviceEndpointSliceDependent() {
    super(EndpointSlice.class);
  }

  @Override
  EndpointSlice build(String namespace, String deviceSubnet, Device device, boolean resolvable) {
    return DeviceResources.endpointSlice(namespace, deviceSubnet, device, resolvable);
  }
}
