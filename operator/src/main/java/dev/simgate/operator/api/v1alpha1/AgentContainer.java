package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.ResourceRequirements;

@JsonInclude(JsonInclude.Include.NON_NULL)
public class AgentContainer {
  @JsonPropertyDescription("Container image of the agent. Unset: the operator's default (Helm value agent.image). Any"
      + " other image must be allowed by the operator (Helm value agent.allowedImages): it runs with NET_ADMIN on the"
      + " host network of the selected nodes.")
  @Size(min = 1, max = 512)
  public String image;

  @JsonPropertyDescription("Image pull policy: Always, IfNotPresent or Never. Unset with image unset: the operator's"
      + " default; unset with image set: the Kubernetes default.")
  @io.fabric8.generator.annotation.Pattern("^(Always|IfNotPresent|Never)$")
  public String imagePullPolicy;

  @JsonPropertyDescription("CPU and memory requests and limits of the agent container.")
  public ResourceRequirements resources;
}
