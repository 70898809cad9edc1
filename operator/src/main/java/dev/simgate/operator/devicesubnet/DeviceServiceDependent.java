package dev.simgate.operator.devicesubnet;

import java.util.Map;
import java.util.stream.Collectors;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.render.DeviceResources;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** One headless selector-less Service per named device; removed when the device leaves the list. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.MANAGED_SELECTOR))
public class DeviceServiceDependent extends KubernetesDependentResource<Service, DeviceSubnet>
    implements CRUDKubernetesBulkDependentResource<Service, DeviceSubnet>,
        KubernetesBulkDependentResource<Service, DeviceSubnet>, GarbageCollected<DeviceSubnet> {

  public DeviceServiceDependent() {
    super(Service.class);
  }

  @Override
  public Map<ResourceID, Service> desiredResources(DeviceSubnet primary, Context<DeviceSubnet> context) {
    String namespace = primary.getMetadata().getNamespace();
    return primary.getSpec().devices.stream()
        .map(d -> DeviceResources.service(namespace, primary.getMetadata().getName(), d))
        .collect(Collectors.toMap(ResourceID::fromResource, s -> s));
  }
}
