package dev.simgate.operator.devicesubnet;

import java.util.Map;
import java.util.stream.Collectors;

import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * One object per named device (spec.devices and SIMs from SORACOM), in the DeviceSubnet's namespace; objects of devices that left the list are deleted,
 * and owner references let Kubernetes delete the rest with the DeviceSubnet.
 */
abstract class DeviceDependent<R extends HasMetadata> extends KubernetesDependentResource<R, DeviceSubnet>
    implements CRUDKubernetesBulkDependentResource<R, DeviceSubnet>, KubernetesBulkDependentResource<R, DeviceSubnet>,
        GarbageCollected<DeviceSubnet> {

  DeviceDependent(Class<R> type) {
    super(type);
  }

  abstract R build(String namespace, String deviceSubnet, Device device, boolean resolvable);

  @Override
  public Map<ResourceID, R> desiredResources(DeviceSubnet primary, Context<DeviceSubnet> context) {
    String namespace = primary.getMetadata().getNamespace();
    return PublishedDevice.of(context).stream()
        .map(d -> build(namespace, primary.getMetadata().getName(), d.device(), d.resolvable()))
        .collect(Collectors.toMap(ResourceID::fromResource, r -> r));
  }
}
