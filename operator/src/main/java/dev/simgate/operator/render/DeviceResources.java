package dev.simgate.operator.render;

import java.util.List;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/**
 * A device's own name, {@code <device>.<namespace>.svc} (opt-in, DeviceSubnet spec.perDeviceServices): a selector-less
 * headless Service named after the device plus an EndpointSlice holding the SIM address. Headless: a ClusterIP would
 * resolve to a virtual IP that kube-proxy forwards only on listed ports, while SIM traffic is any UDP/TCP.
 */
public final class DeviceResources {
  /** Tells the EndpointSlice controller that these slices are not its own. */
  public static final String SLICE_MANAGER = "operator.simgate.dev";
  public static final String SLICE_MANAGED_BY = "endpointslice.kubernetes.io/managed-by";

  private DeviceResources() {}

  public static Service service(String namespace, String deviceSubnet, String device) {
    return headlessService(namespace, device, Labels.device(deviceSubnet, device, false));
  }

  /**
   * @param resolvable false keeps the Service but marks its one endpoint not ready, so cluster DNS stops answering the
   *     name (CoreDNS serves only ready endpoints) without deleting and re-creating objects as a SIM goes offline and back
   */
  public static EndpointSlice endpointSlice(String namespace, String deviceSubnet, String device, String address,
      boolean resolvable) {
    var labels = Labels.device(deviceSubnet, device, true);
    labels.put(SLICE_MANAGED_BY, SLICE_MANAGER);
    return new EndpointSliceBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(device).withNamespace(namespace).withLabels(labels).build())
        .withAddressType("IPv4")
        .withEndpoints(List.of(new EndpointBuilder()
            .withAddresses(address)
            .withNewConditions().withReady(resolvable).endConditions()
            .build()))
        .build();
  }

  /** A selector-less headless Service: its names come from EndpointSlices the operator writes. */
  static Service headlessService(String namespace, String name, java.util.Map<String, String> labels) {
    return new ServiceBuilder()
        .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).withLabels(labels).build())
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("None")
        // SIMs have no readiness probe; an endpoint marked not ready is one the operator means not to resolve.
        .withPublishNotReadyAddresses(true)
        .endSpec()
        .build();
  }
}
