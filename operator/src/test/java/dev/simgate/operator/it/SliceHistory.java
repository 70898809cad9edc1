package dev.simgate.operator.it;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Every state a Service's EndpointSlices pass through, as a watcher such as CoreDNS sees them one event after the other:
 * for each, the hostnames that resolve. Built from the events themselves, in their order, not from a cache that may be
 * ahead of the event at hand.
 */
final class SliceHistory implements AutoCloseable {
  private final Map<String, Set<String>> slices = new HashMap<>();
  private final List<Set<String>> states = new ArrayList<>();
  private final SharedIndexInformer<EndpointSlice> informer;

  SliceHistory(KubernetesClient client, String namespace, String service) {
    informer = client.discovery().v1().endpointSlices().inNamespace(namespace)
        .withLabel("kubernetes.io/service-name", service).inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(EndpointSlice slice) {
            record(slice.getMetadata().getName(), hostnames(slice));
          }

          @Override
          public void onUpdate(EndpointSlice before, EndpointSlice slice) {
            record(slice.getMetadata().getName(), hostnames(slice));
          }

          @Override
          public void onDelete(EndpointSlice slice, boolean unknownFinalState) {
            record(slice.getMetadata().getName(), null);
          }
        });
  }

  private static Set<String> hostnames(EndpointSlice slice) {
    Set<String> names = new HashSet<>();
    for (Endpoint e : slice.getEndpoints()) {
      if (e.getHostname() != null && e.getConditions() != null && Boolean.TRUE.equals(e.getConditions().getReady())) {
        names.add(e.getHostname());
      }
    }
    return names;
  }

  private synchronized void record(String name, Set<String> hostnames) {
    if (hostnames == null) {
      slices.remove(name);
    } else {
      slices.put(name, hostnames);
    }
    Set<String> resolvable = new HashSet<>();
    slices.values().forEach(resolvable::addAll);
    states.add(resolvable);
  }

  /** The states seen so far, the first one the state when watching began. */
  synchronized List<Set<String>> states() {
    return List.copyOf(states);
  }

  @Override
  public void close() {
    informer.close();
  }
}
