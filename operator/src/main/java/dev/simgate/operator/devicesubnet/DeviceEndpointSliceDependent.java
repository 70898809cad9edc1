package dev.simgate.operator.devicesubnet;

import java.util.Map;
import java.util.stream.Collectors;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** One EndpointSlice per named device, holding the SIM address behind the device's Service. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class DeviceEndpointSliceDependent extends KubernetesDependentResource<EndpointSlice, DeviceSubnet>
    implements CRUDKubernetesBulkDependentResource<EndpointSlice, DeviceSubnet>,
        KubernetesBulkDependentResource<EndpointSlice, DeviceSubnet>, GarbageCollected<DeviceSubnet> {

  public DeviceEndpointSliceDependent() {
    super(EndpointSlice.class);
  }

  @Override
  public Map<ResourceID, EndpointSlice> desiredResources(DeviceSubnet primary, Context<DeviceSubnet> context) {
    String namespace = primary.getMetadata().getNamespace();
    return primary.getSpec().devices.stream()
        .map(d -> DeviceResources.endpointSlice(namespace, primary.getMetadata().getName(), d))
        .collect(Collectors.toMap(ResourceID::fromResource, s -> s));
  }
}
