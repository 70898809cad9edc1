package dev.simgate.operator.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.ipam.InnerAddressAllocator;
import dev.simgate.operator.render.Labels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Each node's address on the steering VXLAN, kept in a ConfigMap {@code simgate-steering} in the operator's namespace
 * (node name → address), so that addresses survive operator restarts and GatePeers coming and going: a node keeps its
 * address while it exists; new nodes get the lowest free one, in name order; a node that is gone frees its own. Every
 * change is a read-decide-write with the ConfigMap's resourceVersion, so that reconciles of two nodes at once cannot
 * hand out one address twice.
 */
public final class SteeringLedger {
  public static final String NAME = "simgate-steering";
  public static final String LABEL = "simgate-steering-addresses";
  /** Label selector of the ledger's informer. */
  public static final String SELECTOR = Labels.NAME + "=" + LABEL;
  private static final int ATTEMPTS = 5;
  private static final Logger LOG = LoggerFactory.getLogger(SteeringLedger.class);

  private final KubernetesClient client;
  private final String namespace;
  /** The nodes last reported without an address: every node's reconcile allocates, the log says it once. */
  private final AtomicReference<List<String>> unallocated = new AtomicReference<>(List.of());

  public SteeringLedger(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The recorded addresses, by node; entries that do not parse are left out. */
  public static Map<String, Ipv4> addresses(ConfigMap ledger) {
    Map<String, Ipv4> addresses = new TreeMap<>();
    if (ledger != null && ledger.getData() != null) {
      ledger.getData().forEach((node, text) -> {
        Ipv4 address = Ipv4.parseOrNull(text);
        if (address != null) {
          addresses.put(node, address);
        }
      });
    }
    return addresses;
  }

  /**
   * An address from {@code pool} for each of {@code nodes}, written when it differs from what {@code cached} (the
   * informer's copy, or null) records.
   *
   * @return the addresses, by node; nodes left without one (the pool is exhausted) are absent
   */
  public Map<String, Ipv4> ensure(ConfigMap cached, Cidr pool, Set<String> nodes) {
    ConfigMap current = cached;
    for (int attempt = 1; ; attempt++) {
      Map<String, String> recorded = current == null || current.getData() == null ? Map.of() : current.getData();
      var allocation = InnerAddressAllocator.allocate(pool, nodes, recorded, Set.of());
      Map<String, String> data = new TreeMap<>(allocation.assigned());
      List<String> left = allocation.unallocated();
      if (!left.equals(unallocated.getAndSet(left)) && !left.isEmpty()) {
        LOG.atWarn().addKeyValue("pool", pool).addKeyValue("nodes", left)
            .log("steering pool exhausted: these nodes get no steering address (operator option --steering-pool)");
      }
      if (data.equals(new TreeMap<>(recorded))) {
        return addresses(current);
      }
      try {
        if (current == null) {
          client.resource(build(data)).create();
        } else {
          client.resource(new ConfigMapBuilder(current).withData(data).build()).update();
        }
        LOG.atDebug().addKeyValue("addresses", data.size()).log("steering addresses recorded");
        return addresses(new ConfigMapBuilder().withData(data).build());
      } catch (KubernetesClientException e) {
        if ((e.getCode() != 409) || attempt == ATTEMPTS) {
          throw e;
        }
        current = client.configMaps().inNamespace(namespace).withName(NAME).get();
      }
    }
  }

  private ConfigMap build(Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(NAME)
        .withNamespace(namespace)
        .addToLabels(Labels.NAME, LABEL)
        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
        .endMetadata()
        .withData(data)
        .build();
  }
}
