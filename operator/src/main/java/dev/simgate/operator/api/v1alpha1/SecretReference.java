package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** A Secret in the operator's own namespace (never another: a VPG's author must not pick any Secret of the cluster). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretReference {
  @JsonPropertyDescription("Name of the Secret, in the operator's namespace.")
  @Required
  @Size(min = 1, max = 253)
  @Pattern(Rules.DNS_SUBDOMAIN)
  public String name;

  public SecretReference() {}

  public SecretReference(String name) {
    this.name = name;
  }
}
