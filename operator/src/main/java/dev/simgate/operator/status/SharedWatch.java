package dev.simgate.operator.status;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;

/**
 * One watch of a kind, kept pruned, for every controller that reads it: with a watch each, each event (a DeviceSubnet
 * of 400 devices, any pod of the cluster) was sent by the API server and parsed by the operator once per controller.
 * Each controller reacts through an event source of its own ({@link #events}); the watch starts with the first of
 * them (a standby replica has none) and stops with the last.
 */
public class SharedWatch<T extends HasMetadata> {
  /** What happened to an object, for the controller's {@link Reaction}. */
  public enum Change { ADDED, UPDATED, DELETED }

  /** The primaries a change concerns (on the watch's thread: quick, no API calls). */
  @FunctionalInterface
  public interface Reaction<T> {
    Set<ResourceID> primaries(T resource, Change change);
  }

  private final Supplier<SharedIndexInformer<T>> informers;
  private final BiPredicate<T, T> updateMatters;
  private final Map<String, Function<T, List<String>>> indexers;
  private final List<Source<?>> sources = new CopyOnWriteArrayList<>();
  private volatile SharedIndexInformer<T> informer; // started and stopped under this

  /**
   * @param informers a new informer, not started, with the store that prunes what it keeps
   * @param updateMatters whether an update (next, previous) is worth a reaction
   * @param indexers indexes {@link #byIndex} reads
   */
  public SharedWatch(Supplier<SharedIndexInformer<T>> informers, BiPredicate<T, T> updateMatters,
      Map<String, Function<T, List<String>>> indexers) {
    this.informers = informers;
    this.updateMatters = updateMatters;
    this.indexers = indexers;
  }

  /** The objects there are (as pruned); empty while no event source of a controller runs. */
  public Stream<T> list() {
    SharedIndexInformer<T> running = informer;
    return running == null ? Stream.empty() : running.getStore().list().stream();
  }

  /** The objects under {@code key} of one of the {@code indexers}; empty while no event source runs. */
  public List<T> byIndex(String index, String key) {
    SharedIndexInformer<T> running = informer;
    return running == null ? List.of() : running.getIndexer().byIndex(index, key);
  }

  /** An event source that reacts to objects coming and going only. */
  public <P extends HasMetadata> SimpleInboundEventSource<P> existence(String name, SecondaryToPrimaryMapper<T> mapper) {
    return events(name, (resource, change) -> change == Change.UPDATED ? Set.of()
        : mapper.toPrimaryResourceIDs(resource));
  }

  /** An event source of a controller's: what {@code reaction} says a change concerns is reconciled. */
  public <P extends HasMetadata> SimpleInboundEventSource<P> events(String name, Reaction<T> reaction) {
    return new Source<P>(name, reaction);
  }

  private synchronized void attach(Source<?> source) {
    sources.add(source);
    if (informer == null) {
      SharedIndexInformer<T> fresh = informers.get();
      if (!indexers.isEmpty()) {
        fresh.addIndexers(indexers);
      }
      fresh.addEventHandler(new ResourceEventHandler<>() {
        @Override
        public void onAdd(T resource) {
          dispatch(resource, Change.ADDED);
        }

        @Override
        public void onUpdate(T previous, T next) {
          if (updateMatters.test(next, previous)) {
            dispatch(next, Change.UPDATED);
          }
        }

        @Override
        public void onDelete(T resource, boolean finalStateUnknown) {
          dispatch(resource, Change.DELETED);
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

  private void dispatch(T resource, Change change) {
    sources.forEach(source -> source.react(resource, change));
  }

  private final class Source<P extends HasMetadata> extends SimpleInboundEventSource<P> {
    private final Reaction<T> reaction;

    Source(String name, Reaction<T> reaction) {
      super(name);
      this.reaction = reaction;
    }

    void react(T resource, Change change) {
      if (isRunning()) {
        reaction.primaries(resource, change).forEach(this::propagateEvent);
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
