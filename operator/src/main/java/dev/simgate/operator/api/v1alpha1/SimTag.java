package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A SORACOM SIM tag and the value it must have. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SimTag {
  @JsonPropertyDescription("Tag name.")
  @Required
  @Size(min = 1, max = 128)
  public String name;

  @JsonPropertyDescription("Tag value (exact match).")
  @Required
  @Size(min = 1, max = 256)
  public String value;

  public SimTag() {}

  public SimTag(String name, String value) {
    this.name = name;
    this.value = value;
  }
}
