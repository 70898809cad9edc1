package dev.simgate.operator.status;

import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * One watch of DeviceSubnets, kept as {@link Pruning#deviceSubnetSummary} (no devices), for every controller that
 * needs to know which exist, their VPG, what they route and count: each controller had a watch of its own, so each
 * DeviceSubnet event (an object of 400 devices at fleet scale) was sent by the API server and parsed by the operator
 * five times over. Each controller reacts through an event source of its own ({@link #events}); the watch starts with
 * the first of them (a standby replica has none) and stops with the last.
 */
public final class DeviceSubnetWatch {
  /** What happened to a DeviceSubnet, for the controller's {@link Reaction}. */
  public enum Change { ADDED, UPDATED, DELETED }

  /** The primaries a change concerns (on the watch's thread: quick, no API calls). */
  @FunctionalInterface
  public interface Reaction {
    Set<ResourceID> primaries(DeviceSubnet subnet, Change change);
  }

  private final KubernetesClient client;
  private final List<Source<?>> sources = new CopyOnWriteArrayList<>();
  private volatile SharedIndexInformer<DeviceSubnet> informer; // started and stopped under this

  public DeviceSubnetWatch(KubernetesClient client) {
    this.client = client;
  }

  /** The DeviceSubnets there are (summaries); empty while no event source of a controller runs. */
  public Stream<DeviceSubnet> list() {
    SharedIndexInformer<DeviceSubnet> running = informer;
    return running == null ? Stream.empty() : running.getStore().list().stream();
  }

  /** The uids of the DeviceSubnets there are: a range claim counts only while its holder exists. */
  public Set<String> uids() {
    return list().map(ds -> ds.getMetadata().getUid()).collect(Collectors.toSet());
  }

  /**
   * An event source that reacts to DeviceSubnets coming and going only (for {@link #uids}: their edits reach the
   * controllers through the range ledgers, their status never matters to them).
   */
  public <P extends HasMetadata> SimpleInboundEventSource<P> existence(String name,
      SecondaryToPrimaryMapper<DeviceSubnet> mapper) {
    return events(name, (ds, change) -> change == Change.UPDATED ? Set.of() : mapper.toPrimaryResourceIDs(ds));
  }

  /** An event source of a controller's: what {@code reaction} says a change concerns is reconciled. */
  public <P extends HasMetadata> SimpleInboundEventSource<P> events(String name, Reaction reaction) {
    return new Source<P>(name, reaction);
  }

  private synchronized void attach(Source<?> source) {
    sources.add(source);
    if (informer == null) {
      SharedIndexInformer<DeviceSubnet> fresh = client.resources(DeviceSubnet.class).inAnyNamespace()
          .withLimit(Pruning.LIST_PAGE).runnableInformer(0);
      fresh.itemStore(new PrunedStore<>(Pruning::deviceSubnetSummary));
      fresh.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(DeviceSubnet subnet) {
          dispatch(subnet, Change.ADDED);
        }

        @Override
        public void onUpdate(DeviceSubnet previous, DeviceSubnet next) {
          dispatch(next, Change.UPDATED);
        }

        @Override
        public void onDelete(DeviceSubnet subnet, boolean finalStateUnknown) {
          dispatch(subnet, Change.DELETED);
        }
      });
      fresh.start().toCompletableFuture().join(); // synced before any reconcile reads it
      informer = fresh;
    }
  }

  private synchronized void detach(Source<?> source) {
    sources.remove(source);
    if (sources.isEmpty() && informer != null) {
      informer.stop();
      informer = null;
    }
  }

  private void dispatch(DeviceSubnet subnet, Change change) {
    sources.forEach(source -> source.react(subnet, change));
  }

  private final class Source<P extends HasMetadata> extends SimpleInboundEventSource<P> {
    private final Reaction reaction;

    Source(String name, Reaction reaction) {
      super(name);
      this.reaction = reaction;
    }

    void react(DeviceSubnet subnet, Change change) {
      if (isRunning()) {
        reaction.primaries(subnet, change).forEach(this::propagateEvent);
      }
    }

    @Override
    public void start() {
      attach(this);
      super.start();
    }

    @Override
    public void stop() {
      super.stop();
      detach(this);
    }
  }
}
