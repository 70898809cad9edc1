package dev.simgate.operator.status;

import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.PrimaryToSecondaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.SecondaryToPrimaryMapper;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;

/** Small helpers around JOSDK informer event sources used for watching referenced (not owned) objects. */
public final class Informers {
  private Informers() {}

  /** The named informer of the controller; its cache is how reconcilers read referenced objects. */
  @SuppressWarnings("unchecked")
  public static <R extends HasMetadata, P extends HasMetadata> InformerEventSource<R, P> named(
      Context<P> context, Class<R> type, String name) {
    return (InformerEventSource<R, P>) context.eventSourceRetriever().getEventSourceFor(type, name);
  }

  /** Maps a secondary object to the primaries (from the primary cache) that the predicate relates it to. */
  public static <R extends HasMetadata, P extends HasMetadata> SecondaryToPrimaryMapper<R> toPrimaries(
      EventSourceContext<P> context, Function<R, Predicate<P>> related) {
    return secondary -> context.getPrimaryCache().list(related.apply(secondary))
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }

  /**
   * For an informer read only through its cache (by name, or listing it): no index from primaries to its objects.
   * Without a primary-to-secondary mapper JOSDK keeps one, calling the secondary-to-primary mapper on every add and
   * update (and on start for all), work that grows with both sides; with this, the mapper runs for events only.
   */
  public static <P extends HasMetadata> PrimaryToSecondaryMapper<P> readThroughCache() {
    return primary -> Set.of();
  }

  /** Every primary: for objects (Nodes) whose relevance a cheap mapper cannot tell after a label change. */
  public static <R extends HasMetadata, P extends HasMetadata> SecondaryToPrimaryMapper<R> toAllPrimaries(
      EventSourceContext<P> context) {
    return secondary -> context.getPrimaryCache().list().map(ResourceID::fromResource).collect(Collectors.toSet());
  }
}
