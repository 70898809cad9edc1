package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.soracom.model.GatePeer;
import dev.simgate.operator.soracom.model.Sim;
import dev.simgate.operator.soracom.model.VirtualPrivateGateway;

/** Decoding is lenient the way the reference asks: unknown fields ignored, every field optional, error shapes tolerated. */
class ResponseDecodingTest {
  private final ApiErrors errors = new ApiErrors(new Secrets(new SoracomCredentials("keyId-x", "secret-x")));

  @Test
  void unknownFieldsAreIgnoredAndMissingOnesAreNull() {
    VirtualPrivateGateway vpg = response(200, Map.of(),
        "{\"vpgId\":\"v\",\"gateVxlanId\":10.0,\"brandNewField\":{\"x\":[1,2]},\"gateOpened\":true}")
        .json("getVirtualPrivateGateway", new TypeReference<VirtualPrivateGateway>() {});
    assertThat(vpg.vpgId()).isEqualTo("v");
    assertThat(vpg.vni()).as("gateVxlanId is a JSON number").contains(10L);
    assertThat(vpg.deviceSubnet()).isEmpty();
    assertThat(vpg.placement()).isNull();

    List<GatePeer> peers = response(200, Map.of(), "[{\"outerIpAddress\":\"1.2.3.4\"}]")
        .json("listGatePeers", new TypeReference<List<GatePeer>>() {});
    assertThat(peers.get(0).isCustomerPeer()).isFalse();
    assertThat(peers.get(0).isVpgPeer()).as("unknown ownership is neither kind: never touched").isFalse();

    Sim sim = response(200, Map.of(), "{\"simId\":\"s\",\"ueIpAddress\":\"x\"}").json("getSim", new TypeReference<Sim>() {});
    assertThat(sim.imsis()).isEmpty();
    assertThat(sim.name()).isEmpty();
    assertThat(sim.sessionAddress()).isEmpty();
  }

  @Test
  void aBodyThatIsNotTheExpectedJsonIsATransientFailure() {
    assertThatThrownBy(() -> response(200, Map.of(), "<html>proxy</html>").json("getSim", new TypeReference<Sim>() {}))
        .isInstanceOfSatisfying(SoracomException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageContaining("getSim");
  }

  @Test
  void errorBodiesAreReadFlatNestedOrAsText() {
    assertThat(errors.parse(bytes("{\"code\":\"SEM0016\",\"message\":\"The specified subscriber is offline\"}")))
        .isEqualTo(new ApiErrors.Parsed("SEM0016", "The specified subscriber is offline"));
    assertThat(errors.parse(bytes("{\"httpStatus\":400,\"errorMessage\":{\"code\":\"AUM0002\",\"message\":\"expired\"}}")))
        .isEqualTo(new ApiErrors.Parsed("AUM0002", "expired"));
    assertThat(errors.parse(bytes("Service Unavailable\n"))).isEqualTo(new ApiErrors.Parsed(null, "Service Unavailable"));
    assertThat(errors.parse(new byte[0])).isEqualTo(new ApiErrors.Parsed(null, null));
    assertThat(errors.parse(bytes("x".repeat(5000))).message()).hasSizeLessThan(250);
  }

  @Test
  void nextKeyComesFromEitherHeader() {
    assertThat(NextKey.of(response(200, Map.of("x-soracom-next-key", "8981"), "[]"))).isEqualTo("8981");
    assertThat(NextKey.of(response(200, Map.of("link", "</v1/sims?limit=5&last_evaluated_key=10.0.0.9>; rel=next"), "[]")))
        .isEqualTo("10.0.0.9");
    assertThat(NextKey.of(response(200, Map.of("x-soracom-next-key", ""), "[]"))).as("empty means last page").isNull();
    assertThat(NextKey.of(response(200, Map.of(), "[]"))).isNull();
  }

  private static ApiResponse response(int status, Map<String, String> headers, String body) {
    Map<String, List<String>> h = new HashMap<>();
    headers.forEach((k, v) -> h.put(k, List.of(v)));
    return new ApiResponse(status, HttpHeaders.of(h, (a, b) -> true), bytes(body));
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
