package dev.simgate.operator.routes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.render.Labels;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Stores the {@link RangeClaims} of each VPG in a ConfigMap {@code simgate-ranges-<vpg>} in the operator's namespace,
 * owned by the VPG. Not in the DeviceSubnets' status: whoever may patch {@code devicesubnets/status} could write a claim
 * there, while this namespace is the operator's. Every change is a read-decide-write with the ConfigMap's
 * resourceVersion, so two DeviceSubnets reconciled at once cannot both take one range: the second write fails with a
 * conflict, and its decision is made again on what the first wrote.
 */
public final class RangeLedger {
  public static final String NAME = "simgate-device-ranges";
  /** Label selector of the ledger ConfigMaps. */
  public static final String SELECTOR = Labels.NAME + "=" + NAME;
  public static final String VPG_ANNOTATION = "simgate.dev/vpg";
  private static final String PREFIX = "simgate-ranges-";
  private static final int ATTEMPTS = 5;
  /** Room left below a ConfigMap's 1 MiB for metadata. */
  static final int MAX_BYTES = 900_000;
  private static final Logger LOG = LoggerFactory.getLogger(RangeLedger.class);
  private static final Map<String, Parsed> PARSED = new ConcurrentHashMap<>();

  private final KubernetesClient client;
  private final String namespace;

  public RangeLedger(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The ledger's name for a VPG: the VPG's name, shortened with a hash where it would not fit. */
  public static String configMapName(String vpg) {
    if (PREFIX.length() + vpg.length() <= 253) {
      return PREFIX + vpg;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(vpg.getBytes(StandardCharsets.UTF_8));
      return PREFIX + vpg.substring(0, 200) + "-" + HexFormat.of().formatHex(hash, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The VPG a ledger ConfigMap belongs to. */
  public static Optional<String> vpgOf(ConfigMap ledger) {
    var annotations = ledger.getMetadata().getAnnotations();
    return Optional.ofNullable(annotations == null ? null : annotations.get(VPG_ANNOTATION));
  }

  public static RangeClaims claims(ConfigMap ledger) {
    if (ledger == null) {
      return RangeClaims.empty();
    }
    // Every reconcile of every DeviceSubnet and GatePeer reads the ledgers: parse each version once.
    String key = ledger.getMetadata().getNamespace() + "/" + ledger.getMetadata().getName();
    String version = ledger.getMetadata().getResourceVersion();
    Parsed parsed = PARSED.get(key);
    if (parsed == null || version == null || !version.equals(parsed.version())) {
      parsed = new Parsed(version, RangeClaims.parse(ledger.getData()));
      if (version != null) {
        PARSED.put(key, parsed);
      }
    }
    return parsed.claims();
  }

  private record Parsed(String version, RangeClaims claims) {}

  /**
   * Changes the claims of {@code vpg} by {@code decide}, starting from {@code cached} (the informer's copy, or null when
   * there is none yet) and deciding again on the stored copy after a conflict.
   *
   * @param owner the VPG, to create the ledger with; null: only ever change an existing ledger (releases)
   * @return the problem {@code decide} reported, in which case nothing was written
   */
  public Optional<Problem> update(String vpg, VirtualPrivateGateway owner, ConfigMap cached,
      Function<RangeClaims, RangeClaims.Outcome> decide) {
    ConfigMap current = cached;
    for (int attempt = 1; ; attempt++) {
      RangeClaims claims = claims(current);
      RangeClaims.Outcome outcome = decide.apply(claims);
      if (outcome.problem().isPresent()) {
        return outcome.problem();
      }
      Map<String, String> data = outcome.claims().toData();
      Map<String, String> stored = current == null || current.getData() == null ? Map.of() : current.getData();
      if (data.equals(stored) || (current == null && owner == null)) {
        return Optional.empty();
      }
      int bytes = bytes(data);
      if (bytes > MAX_BYTES && bytes > bytes(stored)) {
        return Optional.of(new Problem(Problem.LEDGER_FULL, "the operator's record of what the DeviceSubnets of"
            + " VirtualPrivateGateway '" + vpg + "' hold would be " + bytes + " bytes, over the limit of " + MAX_BYTES
            + " (ConfigMap " + namespace + "/" + configMapName(vpg) + "): use shorter podSelectors or fewer"
            + " exposedServices, or fewer DeviceSubnets on the VPG"));
      }
      if (!claims.malformed().isEmpty()) {
        LOG.atWarn().addKeyValue("ledger", namespace + "/" + configMapName(vpg)).addKeyValue("entries", claims.malformed())
            .log("dropping range claims that do not parse");
      }
      try {
        if (current == null) {
          client.resource(build(vpg, owner, data)).create();
        } else {
          ConfigMapBuilder next = new ConfigMapBuilder(current).withData(data);
          if (owner != null) {
            // A VPG deleted and created again under its name takes over the ledger the collector has not removed yet.
            next.editMetadata().withOwnerReferences(ownerReference(owner)).endMetadata();
          }
          client.resource(next.build()).update();
        }
        return Optional.empty();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
        current = client.configMaps().inNamespace(namespace).withName(configMapName(vpg)).get();
      }
    }
  }

  private static int bytes(Map<String, String> data) {
    return data.entrySet().stream()
        .mapToInt(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length)
        .sum();
  }

  private ConfigMap build(String vpg, VirtualPrivateGateway owner, Map<String, String> data) {
    return new ConfigMapBuilder()
        .withNewMetadata()
        .withName(configMapName(vpg))
        .withNamespace(namespace)
        .addToLabels(Labels.NAME, NAME)
        .addToLabels(Labels.MANAGED_BY, Labels.OPERATOR)
        .addToAnnotations(VPG_ANNOTATION, vpg)
        // Deleted with its VPG: the claims mean nothing without it.
        .withOwnerReferences(ownerReference(owner))
        .endMetadata()
        .withData(data)
        .build();
  }

  private static OwnerReference ownerReference(VirtualPrivateGateway owner) {
    return new OwnerReferenceBuilder()
        .withApiVersion(owner.getApiVersion())
        .withKind(owner.getKind())
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .build();
  }
}
