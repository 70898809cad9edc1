package dev.simgate.operator.status;

import java.util.function.Supplier;

import io.fabric8.kubernetes.client.CustomResource;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;

/** Status writes: a fresh object carrying only identity and status (server-side apply), and none when nothing changed. */
public final class StatusPatch {
  private StatusPatch() {}

  public static <S, P extends CustomResource<?, S>> UpdateControl<P> ifChanged(P primary, S previous, S next,
      Supplier<P> empty) {
    if (next.equals(previous)) {
      return UpdateControl.noUpdate();
    }
    P fresh = empty.get();
    fresh.getMetadata().setName(primary.getMetadata().getName());
    fresh.getMetadata().setNamespace(primary.getMetadata().getNamespace());
    fresh.setStatus(next);
    return UpdateControl.patchStatus(fresh);
  }
}
