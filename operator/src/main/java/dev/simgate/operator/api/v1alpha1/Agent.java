package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class Agent {
  public static final String DEFAULT_IMAGE = "simgate/agent:0.1.0";

  @JsonPropertyDescription("Container image of the agent.")
  @Default(DEFAULT_IMAGE)
  @Size(min = 1, max = 512)
  public String image = DEFAULT_IMAGE;

  @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never. Unset: the Kubernetes default.")
  @io.fabric8.generator.annotation.Pattern("^(Always|IfNotPresent|Never)$")
  public String imagePullPolicy;

  @JsonPropertyDescription("CPU and memory requests and limits of the agent container.")
  public ResourceRequirements resources;
}
