package dev.simgate.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** {@code VirtualPrivateGateway.spec.soracom}: the VPG is a SORACOM VPG, and the operator may use its API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SoracomVpgSpec {
  public enum Coverage { Japan, Global }

  @JsonPropertyDescription("The SORACOM VPG id (vpgId), as in the console or `soracom vpg list`.")
  @Required
  @Size(min = 1, max = 64)
  @Pattern("^[A-Za-z0-9][A-Za-z0-9-]*$")
  public String vpgId;

  @JsonPropertyDescription("SORACOM coverage of the VPG: Japan (api.soracom.io) or Global (g.api.soracom.io).")
  @Required
  public Coverage coverage;

  @JsonPropertyDescription("API base URL replacing the coverage's, e.g. a proxy (https://proxy.example/v1). Credentials"
      + " are sent there only if the Secret's 'endpoint' key holds the same URL.")
  @Size(max = 2048)
  @ValidationRule(value = Rules.HTTP_URL, message = "soracom.endpoint must be an http(s) URL such as https://api.soracom.io/v1")
  public String endpoint;

  @JsonPropertyDescription("Secret in the operator's namespace with keys 'authKeyId' and 'authKey' (a SAM user's auth"
      + " key), and optionally 'endpoint'.")
  @Required
  public SecretReference secretRef;

  @JsonPropertyDescription("Open Gate on the VPG if it is closed (with spec.vni when set). Opening interrupts the VPG's"
      + " traffic for a few seconds, so it is never done unless asked. SimGate never closes Gate.")
  @Default("false")
  public Boolean openGate = false;

  @JsonPropertyDescription("How often the VPG, its Gate peers and the registrations are read from SORACOM (Go duration,"
      + " 5s..24h). Changes made in the console are corrected after at most this long.")
  @Default("5m")
  @Size(max = 16)
  @ValidationRule(value = Rules.REFRESH_INTERVAL, message = Rules.REFRESH_INTERVAL_MESSAGE)
  public String refreshInterval = "5m";

  public SoracomVpgSpec() {}

  public SoracomVpgSpec(String vpgId, Coverage coverage, String secretName) {
    this.vpgId = vpgId;
    this.coverage = coverage;
    this.secretRef = new SecretReference(secretName);
  }
}
