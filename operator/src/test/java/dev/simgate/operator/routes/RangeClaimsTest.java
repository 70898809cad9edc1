package dev.simgate.operator.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.validation.Problem;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;

class RangeClaimsTest {
  private static final Instant T1 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant T2 = Instant.parse("2026-02-01T00:00:00Z");
  private static final Set<String> LIVE = Set.of("a", "b");

  private static List<Cidr> cidrs(String... texts) {
    return Arrays.stream(texts).map(Cidr::parse).toList();
  }

  private static RangeClaims claimed(RangeClaims claims, String uid, String... texts) {
    RangeClaims.Outcome outcome = claims.claim(uid, "ns/" + uid, cidrs(texts), LIVE::contains, 1024, "vpg", T1);
    assertThat(outcome.problem()).isEmpty();
    return outcome.claims();
  }

  @Test
  void theFirstHolderKeepsItsRangeWhenAnotherEditsItsSpecToOverlapIt() {
    // "a" may be the older object: age does not matter, holding does.
    RangeClaims claims = claimed(RangeClaims.empty(), "b", "10.129.0.0/16");
    claims = claimed(claims, "a", "10.128.0.0/16");

    RangeClaims.Outcome edit = claims.claim("a", "ns/a", cidrs("10.128.0.0/16", "10.129.128.0/17"), LIVE::contains, 1024,
        "vpg", T2);

    assertThat(edit.problem()).get().extracting(Problem::reason).isEqualTo(Problem.CIDR_OVERLAP);
    assertThat(edit.problem().get().message()).contains("10.129.128.0/17", "ns/b", "10.129.0.0/16", T1.toString());
    assertThat(edit.claims()).isEqualTo(claims);
    assertThat(claims.of("a").orElseThrow().cidrs()).isEqualTo(cidrs("10.128.0.0/16"));
  }

  @Test
  void aRangeIsFreeOnceItsHolderReleasesItOrNoLongerExists() {
    RangeClaims claims = claimed(RangeClaims.empty(), "b", "10.129.0.0/16");
    assertThat(claimed(claims.release("b"), "a", "10.129.0.0/16").of("a")).isPresent();

    RangeClaims.Outcome afterDeletion = claims.claim("a", "ns/a", cidrs("10.129.0.0/16"), Set.of("a")::contains, 1024,
        "vpg", T2);
    assertThat(afterDeletion.problem()).isEmpty();
    assertThat(afterDeletion.claims().claims()).containsOnlyKeys("a");
  }

  @Test
  void aHolderKeepsTheTimeItFirstHeldARangeAcrossEdits() {
    RangeClaims claims = claimed(RangeClaims.empty(), "a", "10.128.0.0/16");
    RangeClaims edited = claims.claim("a", "ns/a", cidrs("10.128.0.0/16", "10.130.0.0/16"), LIVE::contains, 1024, "vpg",
        T2).claims();
    assertThat(edited.of("a").orElseThrow().since()).isEqualTo(T1);
    assertThat(edited.of("a").orElseThrow().cidrs()).hasSize(2);
  }

  @Test
  void theRouteLimitCountsTheOtherLiveHolders() {
    RangeClaims claims = claimed(RangeClaims.empty(), "a", "10.128.0.0/16", "10.130.0.0/16");
    RangeClaims.Outcome over = claims.claim("b", "ns/b", cidrs("10.131.0.0/16", "10.132.0.0/16"), LIVE::contains, 3,
        "vpg", T1);
    assertThat(over.problem()).get().extracting(Problem::reason).isEqualTo(Problem.ROUTE_LIMIT_EXCEEDED);
    assertThat(over.problem().get().message()).contains("limit of 3", "2 CIDRs", "--max-routes-per-vpg");
    assertThat(claims.claim("b", "ns/b", cidrs("10.131.0.0/16"), LIVE::contains, 3, "vpg", T1).problem()).isEmpty();
    assertThat(claims.claim("b", "ns/b", cidrs("10.131.0.0/16", "10.132.0.0/16"), Set.of("b")::contains, 3, "vpg", T1)
        .problem()).as("a holder that no longer exists counts for nothing").isEmpty();
  }

  @Test
  void storedClaimsReadBackAndADamagedEntryCostsOnlyItself() {
    RangeClaims claims = claimed(claimed(RangeClaims.empty(), "a", "10.128.0.0/16"), "b", "10.129.0.0/16");
    Map<String, String> data = new HashMap<>(claims.toData());
    assertThat(RangeClaims.parse(data)).isEqualTo(claims);

    data.put("c", "{\"holder\":\"ns/c\",\"since\":\"2026-01-01T00:00:00Z\",\"cidrs\":[\"0.0.0.0/0x\"]}");
    data.put("d", "not json");
    data.put("e", "{\"holder\":\"ns/e\",\"since\":\"2026-01-01T00:00:00Z\",\"cidrs\":[\"10.140.0.1/16\"]}");
    RangeClaims read = RangeClaims.parse(data);
    assertThat(read.claims()).containsOnlyKeys("a", "b");
    assertThat(read.malformed()).containsExactlyInAnyOrder("c", "d", "e");
  }

  private static RangeClaims.Terms exposing(int... innerPorts) {
    return new RangeClaims.Terms(new LabelSelectorBuilder().addToMatchLabels("app", "telemetry").build(),
        Arrays.stream(innerPorts).mapToObj(p -> new RangeClaims.Exposure("web", "http", "TCP", p)).toList());
  }

  @Test
  void theFirstToExposeAnInnerPortKeepsItAndTheRefusalNamesTheEntry() {
    RangeClaims claims = claims(RangeClaims.empty(), "b", exposing(8080), "10.129.0.0/16");
    claims = claims(claims, "a", exposing(9090), "10.128.0.0/16");

    RangeClaims.Outcome edit = claims.claim("a", "ns/a", cidrs("10.128.0.0/16"), exposing(9090, 8080), LIVE::contains,
        1024, "vpg", T2);

    assertThat(edit.problem()).get().extracting(Problem::reason).isEqualTo(Problem.EXPOSED_PORT_CONFLICT);
    assertThat(edit.problem().get().message()).contains("spec.exposedServices[1]", "8080/TCP", "ns/b", "'vpg'");
    assertThat(edit.claims()).isEqualTo(claims);
    // The same port over the other protocol, or once the holder is gone, is free.
    assertThat(claims.claim("a", "ns/a", cidrs("10.128.0.0/16"), new RangeClaims.Terms(null,
        List.of(new RangeClaims.Exposure("dns", "53", "UDP", 8080))), LIVE::contains, 1024, "vpg", T2).problem()).isEmpty();
    assertThat(claims.claim("a", "ns/a", cidrs("10.128.0.0/16"), exposing(8080), Set.of("a")::contains, 1024, "vpg", T2)
        .problem()).isEmpty();
  }

  @Test
  void termsAreStoredWithTheClaimAndOlderEntriesReadAsNone() {
    RangeClaims claims = claims(RangeClaims.empty(), "a", exposing(8080), "10.128.0.0/16");
    RangeClaims read = RangeClaims.parse(claims.toData());
    assertThat(read).isEqualTo(claims);
    assertThat(read.of("a").orElseThrow().terms()).isEqualTo(exposing(8080));
    assertThat(read.of("a").orElseThrow().namespace()).isEqualTo("ns");

    // As written before terms existed: no pod, no Service; and such a claim is still stored the same way.
    String old = "{\"holder\":\"ns/c\",\"since\":\"2026-01-01T00:00:00Z\",\"cidrs\":[\"10.140.0.0/16\"]}";
    RangeClaims.Claim c = RangeClaims.parse(Map.of("c", old)).of("c").orElseThrow();
    assertThat(c.terms()).isEqualTo(RangeClaims.Terms.NONE);
    assertThat(RangeClaims.parse(Map.of("c", old)).toData()).containsEntry("c", old);
  }

  private static RangeClaims claims(RangeClaims claims, String uid, RangeClaims.Terms terms, String... texts) {
    RangeClaims.Outcome outcome = claims.claim(uid, "ns/" + uid, cidrs(texts), terms, LIVE::contains, 1024, "vpg", T1);
    assertThat(outcome.problem()).isEmpty();
    return outcome.claims();
  }
}
