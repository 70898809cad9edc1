package dev.simgate.operator.devicesubnet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Predicate;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.render.DeviceSubnetDns;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.render.SlicePacker;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * The EndpointSlices a DeviceSubnet's devices should be in, packed against the slices there are ({@link SlicePacker}),
 * and the deletion of those no longer needed once the others are written.
 */
final class DeviceSlices {
  private static final String STALE = "simgate.staleSlices";
  /** Endpoints per slice, from the operator's settings. */
  static final String CAPACITY = "simgate.endpointsPerSlice";

  private DeviceSlices() {}

  /** The DeviceSubnet's own slices among the cached EndpointSlices it owns. */
  static Predicate<EndpointSlice> own(DeviceSubnet primary) {
    return slice -> Labels.isDeviceSubnetDns(slice)
        && primary.getMetadata().getName().equals(slice.getMetadata().getLabels().get(Labels.DEVICE_SUBNET));
  }

  static Map<ResourceID, EndpointSlice> desired(DeviceSubnet primary, Map<ResourceID, EndpointSlice> actual,
      Context<DeviceSubnet> context) {
    var shared = context.managedWorkflowAndDependentResourceContext();
    String namespace = primary.getMetadata().getNamespace();
    String name = primary.getMetadata().getName();
    Map<Integer, List<String>> current = new TreeMap<>();
    actual.values().forEach(slice -> {
      OptionalInt number = DeviceSubnetDns.sliceNumber(name, slice.getMetadata().getName());
      if (number.isPresent()) {
        current.put(number.getAsInt(), SliceFields.hostnames(slice));
      }
    });
    var packed = SlicePacker.pack(PublishedDevice.of(context).stream().map(PublishedDevice::endpoint).toList(),
        current, shared.getMandatory(CAPACITY, Integer.class));
    Map<ResourceID, EndpointSlice> desired = new LinkedHashMap<>();
    packed.forEach((number, endpoints) -> {
      EndpointSlice slice = DeviceSubnetDns.slice(namespace, name, number, endpoints);
      desired.put(ResourceID.fromResource(slice), slice);
    });
    return desired;
  }

  /** A slice the packing no longer has: deleted by {@link #deleteStale}, after the workflow wrote the others. */
  static void stale(Context<DeviceSubnet> context, EndpointSlice slice) {
    var shared = context.managedWorkflowAndDependentResourceContext();
    @SuppressWarnings("unchecked")
    List<EndpointSlice> stale = shared.get(STALE, List.class).orElse(null);
    if (stale == null) {
      stale = new ArrayList<>();
      shared.put(STALE, stale);
    }
    stale.add(slice);
  }

  static void deleteStale(Context<DeviceSubnet> context) {
    @SuppressWarnings("unchecked")
    List<EndpointSlice> stale = context.managedWorkflowAndDependentResourceContext().get(STALE, List.class)
        .orElse(List.of());
    stale.forEach(slice -> context.getClient().resource(slice).delete());
  }
}
