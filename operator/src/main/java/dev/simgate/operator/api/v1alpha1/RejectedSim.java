package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A SIM the source listed but SimGate did not publish. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RejectedSim(
    @JsonPropertyDescription("SORACOM SIM id.") String simId,
    @JsonPropertyDescription("The SIM's name tag as SORACOM has it, if any.") String name,
    @JsonPropertyDescription("Why it is not published.") String reason) {}
