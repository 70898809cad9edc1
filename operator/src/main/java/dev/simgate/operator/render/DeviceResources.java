package dev.simgate.operator.render;

import java.util.List;
import java.util.Map;

import dev.simgate.operator.api.v1alpha1.Device;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;

/**
 * One named device becomes a selector-less headless Service plus an EndpointSlice holding the SIM address, so
 * {@code <device>.<namespace>.svc} resolves straight to the SIM (a ClusterIP would need ports and kube-proxy).
 */
public final class DeviceResources {
  /** Tells the EndpointSlice controller that these slices are not its own. */
  public static final String SLICE_MANAGER = "operator.simgate.dev";

  private DeviceResources() {}

  public static Service service(String namespace, String deviceSubnet, Device device) {
    return new ServiceBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(device.name)
            .withNamespace(namespace)
            .withLabels(withoutServiceName(deviceSubnet, device.name))
            .build())
        .withNewSpec()
        .withType("ClusterIP")
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .endSpec()
        .build();
  }

  public static EndpointSlice endpointSlice(String namespace, String deviceSubnet, Device device) {
    return endpointSlice(namespace, deviceSubnet, device, true);
  }

  /**
   * @param resolvable false keeps the Service but marks its one endpoint not ready, so cluster DNS stops answering the
   *     name (CoreDNS serves only ready endpoints) without deleting and re-creating objects as a SIM goes offline and back
   */
  public static EndpointSlice endpointSlice(String namespace, String deviceSubnet, Device device, boolean resolvable) {
    var labels = Labels.device(deviceSubnet, device.name);
    labels.put("endpointslice.kubernetes.io/managed-by", SLICE_MANAGER);
    return new EndpointSliceBuilder()
        .withMetadata(new ObjectMetaBuilder()
            .withName(device.name)
            .withNamespace(namespace)
            .withLabels(labels)
            .build())
        .withAddressType("IPv4")
        .withEndpoints(List.of(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder()
            .withAddresses(device.address)
            .withNewConditions().withReady(resolvable).endConditions()
            .build()))
        .build();
  }

  private static Map<String, String> withoutServiceName(String deviceSubnet, String service) {
    var labels = Labels.device(deviceSubnet, service);
    labels.remove("kubernetes.io/service-name");
    return labels;
  }
}
