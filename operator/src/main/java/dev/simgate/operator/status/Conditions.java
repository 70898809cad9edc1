package dev.simgate.operator.status;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

/**
 * kstatus conditions: Ready, Reconciling and Stalled, always all three, so {@code kubectl wait --for=condition=Ready},
 * Argo CD and Flux read health without custom code. A condition keeps its lastTransitionTime while its status stays the
 * same, so an unchanged outcome yields an equal status and no patch.
 */
public final class Conditions {
  public static final String READY = "Ready";
  public static final String RECONCILING = "Reconciling";
  public static final String STALLED = "Stalled";

  private final Clock clock;

  public Conditions(Clock clock) {
    this.clock = clock;
  }

  /** Everything is in place. */
  public List<Condition> ready(long generation, String reason, String message, List<Condition> previous) {
    return List.of(
        condition(READY, "True", reason, message, generation, previous),
        condition(RECONCILING, "False", reason, message, generation, previous),
        condition(STALLED, "False", reason, message, generation, previous));
  }

  /** Work is under way (e.g. agents rolling out); expected to resolve by itself. */
  public List<Condition> reconciling(long generation, String reason, String message, List<Condition> previous) {
    return List.of(
        condition(READY, "False", reason, message, generation, previous),
        condition(RECONCILING, "True", reason, message, generation, previous),
        condition(STALLED, "False", reason, message, generation, previous));
  }

  /** Cannot progress until someone changes an object (bad reference, overlap, exhausted pool). */
  public List<Condition> stalled(long generation, String reason, String message, List<Condition> previous) {
    return List.of(
        condition(READY, "False", reason, message, generation, previous),
        condition(RECONCILING, "False", reason, message, generation, previous),
        condition(STALLED, "True", reason, message, generation, previous));
  }

  /** A condition beside the three kstatus ones (e.g. SoracomSynced), with the same lastTransitionTime rule. */
  public Condition extra(String type, boolean status, String reason, String message, long generation,
      List<Condition> previous) {
    return condition(type, status ? "True" : "False", reason, message, generation, previous);
  }

  private Condition condition(String type, String status, String reason, String message, long generation,
      List<Condition> previous) {
    String transition = previous == null ? null : previous.stream()
        .filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
        .map(Condition::getLastTransitionTime)
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(null);
    if (transition == null) {
      transition = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    }
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(transition)
        .build();
  }

  public static Condition find(List<Condition> conditions, String type) {
    return conditions == null ? null
        : conditions.stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
  }

  public static boolean isTrue(List<Condition> conditions, String type) {
    return conditions != null && conditions.stream().anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
