package dev.simgate.operator.routes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
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
 * conflict, and its decision is made again on what the first wrote. Within this operator the changes of one VPG's
 * ledger are written by one thread at a time, together when they come at once, starting from the newest version it
 * knows (its own last write, which the informer may not have delivered yet): no storm of conflicts among its own
 * reconciles.
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
  private final Map<String, Turn> turns = new ConcurrentHashMap<>();
  private final Map<String, ConfigMap> written = new ConcurrentHashMap<>();

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
   * there is none yet) and deciding again on the stored copy after a conflict. Changes asked for while another is being
   * written are decided one after the other on the same claims and written together (each sees the ones before it, as
   * if they had been written in turn): a hundred DeviceSubnets published at once make a few writes, not a hundred
   * round trips in a row.
   *
   * @param owner the VPG, to create the ledger with; null: only ever change an existing ledger (releases)
   * @return the problem {@code decide} reported, in which case nothing of this change was written
   */
  public Optional<Problem> update(String vpg, VirtualPrivateGateway owner, ConfigMap cached,
      Function<RangeClaims, RangeClaims.Outcome> decide) {
    Turn turn = turns.computeIfAbsent(vpg, k -> new Turn());
    Change change = new Change(owner, cached, decide);
    turn.queue.add(change);
    while (!change.done.isDone()) {
      if (turn.writing.compareAndSet(false, true)) {
        try {
          List<Change> batch = new ArrayList<>();
          for (Change next; (next = turn.queue.poll()) != null; ) {
            batch.add(next);
          }
          if (!batch.isEmpty()) {
            write(vpg, batch);
          }
        } finally {
          turn.writing.set(false);
        }
      } else {
        try {
          change.done.get(20, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          // the writer may have taken its batch before this change came: look again
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting to change the range ledger", e);
        } catch (ExecutionException e) {
          break;
        }
      }
    }
    try {
      return change.done.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  /** The changes of one VPG's ledger waiting to be written, and whether a thread is writing. */
  private static final class Turn {
    final Queue<Change> queue = new ConcurrentLinkedQueue<>();
    final AtomicBoolean writing = new AtomicBoolean();
  }

  private record Change(VirtualPrivateGateway owner, ConfigMap cached,
      Function<RangeClaims, RangeClaims.Outcome> decide, CompletableFuture<Optional<Problem>> done) {
    Change(VirtualPrivateGateway owner, ConfigMap cached, Function<RangeClaims, RangeClaims.Outcome> decide) {
      this(owner, cached, decide, new CompletableFuture<>());
    }
  }

  private void write(String vpg, List<Change> batch) {
    ConfigMap current = written.get(vpg);
    VirtualPrivateGateway owner = null;
    for (Change change : batch) {
      current = newer(change.cached(), current);
      owner = owner != null ? owner : change.owner();
    }
    for (int attempt = 1; ; attempt++) {
      RangeClaims before = claims(current);
      RangeClaims claims = before;
      List<Optional<Problem>> problems = new ArrayList<>();
      for (Change change : batch) {
        RangeClaims.Outcome outcome = change.decide().apply(claims);
        Optional<Problem> problem = outcome.problem().isPresent() ? outcome.problem()
            : tooLarge(vpg, claims, outcome.claims());
        problems.add(problem);
        if (problem.isEmpty()) {
          claims = outcome.claims();
        }
      }
      Map<String, String> data = claims.toData();
      Map<String, String> stored = current == null || current.getData() == null ? Map.of() : current.getData();
      try {
        if (!data.equals(stored) && (current != null || owner != null)) {
          if (!before.malformed().isEmpty()) {
            LOG.atWarn().addKeyValue("ledger", namespace + "/" + configMapName(vpg))
                .addKeyValue("entries", before.malformed()).log("dropping range claims that do not parse");
          }
          if (current == null) {
            written.put(vpg, client.resource(build(vpg, owner, data)).create());
          } else {
            ConfigMapBuilder next = new ConfigMapBuilder(current).withData(data);
            if (owner != null) {
              // A VPG deleted and created again under its name takes over the ledger the collector has not removed yet.
              next.editMetadata().withOwnerReferences(ownerReference(owner)).endMetadata();
            }
            written.put(vpg, client.resource(next.build()).update());
          }
        }
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).done().complete(problems.get(i));
        }
        return;
      } catch (KubernetesClientException e) {
        written.remove(vpg);
        // 409: someone wrote in between; 404: the ledger went with its VPG. Either way, decide again on what is stored.
        if ((e.getCode() != 409 && e.getCode() != 404) || attempt == ATTEMPTS) {
          batch.forEach(change -> change.done().completeExceptionally(e));
          return;
        }
        current = client.configMaps().inNamespace(namespace).withName(configMapName(vpg)).get();
      } catch (RuntimeException e) {
        batch.forEach(change -> change.done().completeExceptionally(e));
        return;
      }
    }
  }

  /** LEDGER_FULL when a change would grow the ledger past {@link #MAX_BYTES} (one that shrinks it always passes). */
  private Optional<Problem> tooLarge(String vpg, RangeClaims before, RangeClaims after) {
    int bytes = bytes(after.toData());
    if (bytes <= MAX_BYTES || bytes <= bytes(before.toData())) {
      return Optional.empty();
    }
    return Optional.of(new Problem(Problem.LEDGER_FULL, "the operator's record of what the DeviceSubnets of"
        + " VirtualPrivateGateway '" + vpg + "' hold would be " + bytes + " bytes, over the limit of " + MAX_BYTES
        + " (ConfigMap " + namespace + "/" + configMapName(vpg) + "): use shorter podSelectors or fewer"
        + " exposedServices, or fewer DeviceSubnets on the VPG"));
  }

  private static int bytes(Map<String, String> data) {
    return data.entrySet().stream()
        .mapToInt(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
            + e.getValue().getBytes(StandardCharsets.UTF_8).length)
        .sum();
  }

  /** The later of two versions of a ledger (resourceVersions of one object grow), or the one there is. */
  static ConfigMap newer(ConfigMap cached, ConfigMap written) {
    if (written == null || cached == null) {
      return cached == null ? written : cached;
    }
    if (!written.getMetadata().getUid().equals(cached.getMetadata().getUid())) {
      return cached; // the ledger was deleted and made again: what the informer has is the one that exists
    }
    try {
      return Long.parseLong(written.getMetadata().getResourceVersion())
          > Long.parseLong(cached.getMetadata().getResourceVersion()) ? written : cached;
    } catch (NumberFormatException e) {
      return cached;
    }
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
