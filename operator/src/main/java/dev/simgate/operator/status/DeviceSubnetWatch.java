package dev.simgate.operator.status;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The one watch of DeviceSubnets, kept as {@link Pruning#deviceSubnetSummary} (no devices), for every controller that
 * needs to know which exist, their VPG, what they route and count (besides the two whose primary they are).
 */
public final class DeviceSubnetWatch extends SharedWatch<DeviceSubnet> {
  public DeviceSubnetWatch(KubernetesClient client) {
    super(() -> {
      SharedIndexInformer<DeviceSubnet> informer = client.resources(DeviceSubnet.class).inAnyNamespace()
          .withLimit(Pruning.LIST_PAGE).runnableInformer(0);
      informer.itemStore(new PrunedStore<>(Pruning::deviceSubnetSummary));
      return informer;
    }, (next, previous) -> true, Map.of());
  }

  /** The uids of the DeviceSubnets there are: a range claim counts only while its holder exists. */
  public Set<String> uids() {
    return list().map(ds -> ds.getMetadata().getUid()).collect(Collectors.toSet());
  }
}
