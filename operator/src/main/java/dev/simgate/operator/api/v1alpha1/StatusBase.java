package dev.simgate.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** kstatus-shaped status common to the three resources. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public abstract class StatusBase {
  @JsonPropertyDescription("metadata.generation of the spec this status describes (kstatus).")
  public Long observedGeneration;

  @JsonPropertyDescription("Ready, Reconciling and Stalled conditions (kstatus) with reasons and messages.")
  public List<Condition> conditions = new ArrayList<>();

  @Override
  public boolean equals(Object o) {
    return o instanceof StatusBase s
        && getClass() == s.getClass()
        && Objects.equals(observedGeneration, s.observedGeneration)
        && Objects.equals(conditions, s.conditions);
  }

  @Override
  public int hashCode() {
    return Objects.hash(observedGeneration, conditions);
  }
}
