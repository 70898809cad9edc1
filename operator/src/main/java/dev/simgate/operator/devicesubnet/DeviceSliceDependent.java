package dev.simgate.operator.devicesubnet;

import java.util.Map;
import java.util.function.Predicate;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.status.Pruning;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher.Result;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The DeviceSubnet's EndpointSlices as {@link DeviceSlices} packs them, owned by it (Kubernetes deletes them with it).
 * A slice the packing no longer has is not deleted here, where JOSDK deletes before it writes, but handed to
 * {@link DeviceSlices#deleteStale} for after the workflow: a device that moves to another slice must be in its new slice
 * before its old slice goes, or CoreDNS would answer NXDOMAIN for it in between.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Labels.DEVICE_SUBNET_DNS_SELECTOR,
    informerListLimit = Pruning.LIST_PAGE, itemStore = SliceFields.class))
public class DeviceSliceDependent extends KubernetesDependentResource<EndpointSlice, DeviceSubnet>
    implements CRUDKubernetesBulkDependentResource<EndpointSlice, DeviceSubnet>,
        KubernetesBulkDependentResource<EndpointSlice, DeviceSubnet>, GarbageCollected<DeviceSubnet> {

  public DeviceSliceDependent() {
    super(EndpointSlice.class);
  }

  @Override
  public Map<ResourceID, EndpointSlice> desiredResources(DeviceSubnet primary, Context<DeviceSubnet> context) {
    return DeviceSlices.desired(primary, getSecondaryResources(primary, context), context);
  }

  /** By digest: the cache keeps no endpoints ({@link SliceFields}), so not by server-side apply's managed fields. */
  @Override
  public Result<EndpointSlice> match(EndpointSlice actual, EndpointSlice desired, DeviceSubnet primary,
      Context<DeviceSubnet> context) {
    return Result.computed(SliceFields.digest(actual).equals(SliceFields.digest(desired)), desired);
  }

  @Override
  public Predicate<EndpointSlice> secondaryResourceFilter(DeviceSubnet primary, Context<DeviceSubnet> context) {
    return DeviceSlices.own(primary);
  }

  @Override
  public void deleteTargetResource(DeviceSubnet primary, EndpointSlice slice, ResourceID key,
      Context<DeviceSubnet> context) {
    DeviceSlices.stale(context, slice);
  }
}
