package dev.simgate.operator.api.v1alpha1;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * {@code DeviceSubnet.status.soracom}: the devices taken from SORACOM as last read. While the API cannot be reached they
 * stay published as they were.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SoracomSimsStatus {
  @JsonPropertyDescription("SIMs the source listed at the last successful read.")
  public Integer sims;

  @JsonPropertyDescription("SIMs published as devices (Service '<name>.<namespace>.svc').")
  public List<SimDevice> devices = new ArrayList<>();

  @JsonPropertyDescription("SIMs not published and why (no or invalid name, a name or address used twice, no address,"
      + " an address outside spec.cidrs); at most 100 listed.")
  public List<RejectedSim> rejected = new ArrayList<>();

  @JsonPropertyDescription("How many SIMs were not published in all.")
  public Integer rejectedCount;

  @JsonPropertyDescription("The last failed SORACOM call, with the API's error code and message; cleared by the next"
      + " successful read.")
  public SoracomError lastError;

  @Override
  public boolean equals(Object o) {
    return o instanceof SoracomSimsStatus s && Objects.equals(sims, s.sims) && Objects.equals(devices, s.devices)
        && Objects.equals(rejected, s.rejected) && Objects.equals(rejectedCount, s.rejectedCount)
        && Objects.equals(lastError, s.lastError);
  }

  @Override
  public int hashCode() {
    return Objects.hash(sims, devices, rejected, rejectedCount, lastError);
  }
}
