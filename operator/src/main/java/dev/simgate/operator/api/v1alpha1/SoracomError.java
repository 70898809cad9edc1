package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A failed SORACOM call as the API described it. Never holds a credential or token. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SoracomError(
    @JsonPropertyDescription("The API operation (operationId), e.g. registerGatePeer.") String operation,
    @JsonPropertyDescription("HTTP status of the answer; absent when there was none (unreachable, timeout).") Integer httpStatus,
    @JsonPropertyDescription("The API's error code, e.g. SEM0016.") String code,
    @JsonPropertyDescription("What went wrong, with the API's message.") String message,
    @JsonPropertyDescription("When this error was first seen (RFC 3339); kept while the same error repeats.") String since) {}
