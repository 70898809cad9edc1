package dev.simgate.operator.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;

class DeviceRoutesTest {
  private static final Cidr DEVICE_SUBNET = Cidr.parse("10.128.0.0/9");

  private static RangeClaims claims(Map<String, List<String>> byUid) {
    RangeClaims claims = RangeClaims.empty();
    for (var entry : byUid.entrySet()) {
      claims = claims.claim(entry.getKey(), "ns/" + entry.getKey(),
          entry.getValue().stream().map(Cidr::parse).toList(), uid -> true, 1024, "vpg", Instant.EPOCH).claims();
    }
    return claims;
  }

  @Test
  void liveClaimsInsideTheDeviceSubnetAreRoutedSortedAndOnce() {
    var routes = DeviceRoutes.of(claims(Map.of("a", List.of("10.130.0.0/16", "10.128.0.0/16"), "b", List.of("10.129.0.0/16"))),
        Set.of("a", "b")::contains, DEVICE_SUBNET, ClusterRanges.of(List.of(), Stream.empty(), Stream.empty()));
    assertThat(routes.routes()).extracting(Cidr::toString).containsExactly("10.128.0.0/16", "10.129.0.0/16", "10.130.0.0/16");
    assertThat(routes.withheld()).isEmpty();
  }

  @Test
  void whatChangedSinceAcceptanceIsWithheldNeverThrown() {
    RangeClaims claims = claims(Map.of("a", List.of("10.128.0.0/16"), "b", List.of("10.129.0.0/16"),
        "gone", List.of("10.150.0.0/16")));
    Map<String, String> data = new HashMap<>(claims.toData());
    data.put("forged", "{\"holder\":\"x/y\",\"since\":\"now\",\"cidrs\":[\"0.0.0.0/0\"]}");
    var cluster = ClusterRanges.of(List.of(Cidr.parse("10.129.0.0/24")), Stream.empty(), Stream.empty());

    // The VPG's deviceSubnet shrank to 10.128.0.0/12 after "a" and "b" were accepted; "gone" was deleted.
    var routes = DeviceRoutes.of(RangeClaims.parse(data), Set.of("a", "b", "forged")::contains,
        Cidr.parse("10.128.0.0/12"), cluster);

    assertThat(routes.routes()).extracting(Cidr::toString).containsExactly("10.128.0.0/16");
    assertThat(routes.withheld()).anySatisfy(w -> assertThat(w).contains("ns/b", "10.129.0.0/24"))
        .anySatisfy(w -> assertThat(w).contains("forged", "does not parse"))
        .noneSatisfy(w -> assertThat(w).contains("gone"));
    assertThat(DeviceRoutes.of(claims, Set.of("a", "gone")::contains, Cidr.parse("10.128.0.0/12"), cluster).withheld())
        .anySatisfy(w -> assertThat(w).contains("ns/gone", "outside deviceSubnet 10.128.0.0/12"));
  }
}
