package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** How the agents check each of the VPG's peers (agent config key {@code probe}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VpgProbe {
  @JsonPropertyDescription("arp (default): an ARP request for address, sent to each VPG peer on its own; none: no"
      + " probing (every peer counts as up and an agent is ready once its interface is).")
  @Pattern("^(arp|none)$")
  public String kind;

  @JsonPropertyDescription("Inner IPv4 address (in deviceSubnet) that the VPG answers ARP for: one of the VPG's own"
      + " inner addresses or an always-online SIM. Unset: the device subnet's first host address, e.g. 10.128.0.1.")
  @Size(max = 15)
  @ValidationRule(value = Rules.IPV4_ADDRESS, message = "probe.address must be an IPv4 address")
  public String address;

  @JsonPropertyDescription("Milliseconds between probes (10..60000, default 100); keep it above the VPG's round trip.")
  @Min(10)
  @Max(60000)
  public Integer intervalMillis;

  @JsonPropertyDescription("Probes in a row a peer may leave unanswered before it is down (1..100, default 3).")
  @Min(1)
  @Max(100)
  public Integer failureThreshold;
}
