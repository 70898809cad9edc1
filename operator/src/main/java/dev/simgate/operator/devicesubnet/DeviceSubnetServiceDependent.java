package dev.simgate.operator.devicesubnet;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.render.DeviceSubnetDns;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.status.Pruning;
import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/** The DeviceSubnet's headless Service, named after it; its devices resolve under it. */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.DEVICE_SUBNET_DNS_SELECTOR,
    informerListLimit = Pruning.LIST_PAGE))
public class DeviceSubnetServiceDependent extends CRUDKubernetesDependentResource<Service, DeviceSubnet> {
  public DeviceSubnetServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(DeviceSubnet primary, Context<DeviceSubnet> context) {
    return DeviceSubnetDns.service(primary.getMetadata().getNamespace(), primary.getMetadata().getName());
  }

  @Override
  protected ResourceID targetSecondaryResourceID(DeviceSubnet primary, Context<DeviceSubnet> context) {
    return ResourceID.fromResource(primary);
  }
}
