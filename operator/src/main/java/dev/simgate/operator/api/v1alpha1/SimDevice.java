package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** A SIM published as a named device. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SimDevice(
    @JsonPropertyDescription("Device (Service) name, from the SIM's name tag.") String name,
    @JsonPropertyDescription("The SIM's address.") String address,
    @JsonPropertyDescription("Where the address comes from: StaticEntry (the VPG's IP address map) or Session (the"
        + " current session's address; kept as last known while offline).") String addressSource,
    @JsonPropertyDescription("SORACOM SIM id.") String simId,
    @JsonPropertyDescription("IMSI of the SIM's session or primary profile.") String imsi,
    @JsonPropertyDescription("Whether the SIM's session was online at the last read.") boolean online,
    @JsonPropertyDescription("Whether the name resolves (false: offline and spec.soracom.whenOffline is StopResolving).") boolean resolvable) {

  public static final String STATIC_ENTRY = "StaticEntry";
  public static final String SESSION = "Session";
}
