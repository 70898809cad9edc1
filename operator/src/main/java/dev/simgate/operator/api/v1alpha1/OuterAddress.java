package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "self.source != 'Annotation' || has(self.annotation)",
    message = "outerAddress.annotation is required when outerAddress.source is Annotation")
public class OuterAddress {
  public enum Source { InternalIP, ExternalIP, Annotation }

  @JsonPropertyDescription("InternalIP (default) or ExternalIP from the Node's status.addresses, or Annotation: the value of the node annotation named in 'annotation'.")
  @Default("InternalIP")
  public Source source = Source.InternalIP;

  @JsonPropertyDescription("Node annotation holding the outer IPv4 address; used when source is Annotation.")
  @Size(min = 1, max = 253)
  public String annotation;

  public OuterAddress() {}

  public OuterAddress(Source source, String annotation) {
    this.source = source;
    this.annotation = annotation;
  }
}
