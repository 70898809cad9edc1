package dev.simgate.operator.devicesubnet;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.simgate.operator.render.DeviceSubnetDns;
import dev.simgate.operator.status.PrunedStore;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.cache.BasicItemStore;
import io.fabric8.kubernetes.client.informers.cache.Cache;

/**
 * The DeviceSubnets' EndpointSlices as their controller reads them: identity, labels and owners, the hostnames in
 * their order (what the packing keeps in place, {@link #hostnames}) and a digest of what the operator writes (what
 * the dependent compares with the desired slice, {@link #digest}); not 100,000 endpoints as objects, which were a
 * third of the operator's heap at fleet scale. The digest is made from the slice as it is in the API, so a slice
 * edited by someone else is seen as different and written again.
 */
public final class SliceFields extends BasicItemStore<EndpointSlice> {
  /** Set only on the cache's copies, never written: the hostnames, one per line, and the content's digest. */
  private static final String HOSTNAMES = "simgate.dev/cached-hostnames";
  private static final String DIGEST = "simgate.dev/cached-digest";

  public SliceFields() {
    super(Cache::metaNamespaceKeyFunc);
  }

  @Override
  public EndpointSlice put(String key, EndpointSlice slice) {
    EndpointSlice kept = new EndpointSlice();
    kept.setMetadata(new ObjectMetaBuilder(PrunedStore.identity(slice.getMetadata()))
        .withLabels(slice.getMetadata().getLabels())
        .withOwnerReferences(slice.getMetadata().getOwnerReferences())
        .withAnnotations(Map.of(
            HOSTNAMES, String.join("\n", DeviceSubnetDns.hostnames(slice)),
            DIGEST, digest(slice)))
        .build());
    kept.setEndpoints(null);
    return super.put(key, kept);
  }

  /** The hostnames a slice holds, in its order: a cached copy's, or a full slice's. */
  static List<String> hostnames(EndpointSlice slice) {
    String kept = annotation(slice, HOSTNAMES);
    if (kept == null) {
      return DeviceSubnetDns.hostnames(slice);
    }
    return kept.isEmpty() ? List.of() : List.of(kept.split("\n"));
  }

  /**
   * What the operator writes of a slice (labels, address type, each endpoint's addresses, hostname and readiness), as
   * a digest: a cached copy's, or made from a full slice (the desired one, or one the API server just returned).
   */
  static String digest(EndpointSlice slice) {
    String kept = annotation(slice, DIGEST);
    if (kept != null) {
      return kept;
    }
    StringBuilder content = new StringBuilder();
    Map<String, String> labels = slice.getMetadata().getLabels();
    content.append(labels == null ? Map.of() : new TreeMap<>(labels)).append('\n').append(slice.getAddressType());
    for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
      content.append('\n').append(endpoint.getAddresses()).append(' ').append(endpoint.getHostname()).append(' ')
          .append(endpoint.getConditions() == null ? null : endpoint.getConditions().getReady());
    }
    return PrunedStore.digest(content.toString());
  }

  private static String annotation(EndpointSlice slice, String key) {
    Map<String, String> annotations = slice.getMetadata().getAnnotations();
    return annotations == null ? null : annotations.get(key);
  }
}
