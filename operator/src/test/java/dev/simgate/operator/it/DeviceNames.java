package dev.simgate.operator.it;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Device names as CoreDNS's kubernetes plugin answers them from the API: {@code <hostname>.<service>.<namespace>.svc}
 * is the address of a ready endpoint with that hostname in an EndpointSlice labelled with the Service's name.
 */
final class DeviceNames {
  private DeviceNames() {}

  /** Hostname → address of the ready endpoints of a Service's slices. */
  static Map<String, String> resolvable(KubernetesClient client, String namespace, String service) {
    Map<String, String> names = new TreeMap<>();
    for (EndpointSlice slice : slices(client, namespace, service)) {
      slice.getEndpoints().stream()
          .filter(e -> e.getHostname() != null && e.getConditions() != null
              && Boolean.TRUE.equals(e.getConditions().getReady()))
          .forEach(e -> {
            String before = names.put(e.getHostname(), e.getAddresses().getFirst());
            if (before != null && !before.equals(e.getAddresses().getFirst())) {
              throw new AssertionError(e.getHostname() + " resolves to two addresses");
            }
          });
    }
    return names;
  }

  static List<EndpointSlice> slices(KubernetesClient client, String namespace, String service) {
    return client.discovery().v1().endpointSlices().inNamespace(namespace)
        .withLabel("kubernetes.io/service-name", service).list().getItems();
  }
}
