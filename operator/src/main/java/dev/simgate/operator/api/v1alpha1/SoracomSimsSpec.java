package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/**
 * {@code DeviceSubnet.spec.soracom}: named devices taken from SORACOM, beside {@code spec.devices}: the SIMs of a group
 * or with a tag, through the API credentials of the DeviceSubnet's VPG (its {@code spec.soracom}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "has(self.groupId) != has(self.tag)", message = "exactly one of soracom.groupId and soracom.tag must be set")
public class SoracomSimsSpec {
  public enum WhenOffline { KeepResolving, StopResolving }

  @JsonPropertyDescription("The SIMs of this SORACOM group (group id).")
  @Size(min = 1, max = 64)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  public String groupId;

  @JsonPropertyDescription("The SIMs carrying this tag with exactly this value.")
  public SimTag tag;

  @JsonPropertyDescription("The SIM tag whose value names the device (default 'name', the SIM's name). Lower-cased,"
      + " with spaces, '_' and '.' made '-', it must form a DNS label; SIMs whose names do not, or collide, are reported"
      + " in status.soracom.rejected and not published.")
  @Default("name")
  @Size(min = 1, max = 128)
  public String nameTag = "name";

  @JsonPropertyDescription("How often the SIMs are read from SORACOM (Go duration, 5s..24h).")
  @Default("5m")
  @Size(max = 16)
  @ValidationRule(value = Rules.REFRESH_INTERVAL, message = Rules.REFRESH_INTERVAL_MESSAGE)
  public String refreshInterval = "5m";

  @JsonPropertyDescription("What a SIM's name does while its session is offline: KeepResolving (default; its static"
      + " or last known address) or StopResolving. Offline SIMs are marked in status either way.")
  @Default("KeepResolving")
  public WhenOffline whenOffline = WhenOffline.KeepResolving;

  public SoracomSimsSpec() {}

  public static SoracomSimsSpec group(String groupId) {
    SoracomSimsSpec spec = new SoracomSimsSpec();
    spec.groupId = groupId;
    return spec;
  }

  public static SoracomSimsSpec tag(String name, String value) {
    SoracomSimsSpec spec = new SoracomSimsSpec();
    spec.tag = new SimTag(name, value);
    return spec;
  }
}
