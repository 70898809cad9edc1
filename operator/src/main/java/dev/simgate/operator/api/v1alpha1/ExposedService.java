package dev.simgate.operator.api.v1alpha1;

import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/**
 * A Service of the DeviceSubnet's namespace that its SIMs may open connections to: on {@code innerPort} of the inner
 * address of every gate node of the VPG, translated to the Service's ready endpoints.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExposedService {
  public enum Protocol { TCP, UDP }

  @JsonPropertyDescription("Name of a Service in the DeviceSubnet's namespace.")
  @Required
  @Size(min = 1, max = 63)
  @Pattern(Rules.DNS_1035_LABEL)
  public String service;

  @JsonPropertyDescription("The Service's port, by number (spec.ports[].port) or by name (spec.ports[].name).")
  @Required
  // Cheap enough for the API server's cost budget on an int-or-string (a regex on an unbounded string is not); a name
  // that no port of the Service has is reported in status.exposedServices.
  @ValidationRule(value = "type(self) == int ? self >= 1 && self <= 65535 : size(self) >= 1 && size(self) <= 15",
      message = "port must be a Service port number (1..65535) or a port name (at most 15 characters) such as http")
  public IntOrString port;

  @JsonPropertyDescription("TCP (default) or UDP: the protocol of the Service port and of what SIMs send.")
  @Default("TCP")
  @Size(max = 3)
  public Protocol protocol = Protocol.TCP;

  @JsonPropertyDescription("The port SIMs connect to on the gate nodes' inner addresses (1..65535); one DeviceSubnet"
      + " of a VPG per innerPort and protocol.")
  @Required
  @Min(1)
  @Max(65535)
  public Integer innerPort;

  public ExposedService() {}

  public ExposedService(String service, IntOrString port, Protocol protocol, int innerPort) {
    this.service = service;
    this.port = port;
    this.protocol = protocol;
    this.innerPort = innerPort;
  }

  /** The port as written: a number or a name. */
  public String portText() {
    return port == null ? null : port.getIntVal() != null ? String.valueOf(port.getIntVal()) : port.getStrVal();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExposedService e && Objects.equals(service, e.service) && Objects.equals(portText(), e.portText())
        && protocol == e.protocol && Objects.equals(innerPort, e.innerPort);
  }

  @Override
  public int hashCode() {
    return Objects.hash(service, portText(), protocol, innerPort);
  }
}
