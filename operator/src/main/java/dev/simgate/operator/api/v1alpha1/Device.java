package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;

/** One named SIM. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Device {
  @JsonPropertyDescription("DNS label (lower-case letters, digits, '-'; at most 63): the device's host name under the DeviceSubnet's Service.")
  @Required
  @Size(min = 1, max = 63)
  @Pattern(Rules.DNS_LABEL)
  public String name;

  @JsonPropertyDescription("IPv4 address of the SIM on the overlay.")
  @Required
  @Size(min = 7, max = 15)
  // A pattern, not CEL (Rules.IPV4_ADDRESS): checked for each of up to 500 devices at every write of the object.
  @Pattern(Rules.DOTTED_QUAD)
  public String address;

  @JsonPropertyDescription("IMSI of the SIM (digits), for reference only.")
  @Size(min = 6, max = 15)
  @Pattern("^[0-9]+$")
  public String imsi;

  public Device() {}

  public Device(String name, String address) {
    this.name = name;
    this.address = address;
  }
}
