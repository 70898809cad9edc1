package dev.simgate.operator.soracom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.simgate.operator.soracom.model.GatePeer;
import dev.simgate.operator.soracom.model.GatewayState;
import dev.simgate.operator.soracom.model.IpAddressMapEntry;
import dev.simgate.operator.soracom.model.Sim;
import dev.simgate.operator.soracom.model.Subscriber;

/** Each operation of the client against the mock: what goes on the wire, and what comes back typed. */
class SoracomClientOperationsTest {
  private final Testbed bed = new Testbed();
  private final MockVpg vpg = bed.api.addVpg("vpg-1", "10.128.0.0/9").gateOpen(10);
  private final SoracomClient client = bed.client();

  @AfterEach
  void close() {
    bed.close();
  }

  // ------------------------------------------------------------------ endpoint

  @Test
  void coverageSelectsTheBaseUrlAndAnOverrideReplacesIt() {
    assertThat(SoracomSettings.defaults(Coverage.JAPAN).baseUri()).isEqualTo(URI.create("https://api.soracom.io/v1"));
    assertThat(SoracomSettings.defaults(Coverage.GLOBAL).baseUri()).isEqualTo(URI.create("https://g.api.soracom.io/v1"));
    assertThat(SoracomSettings.defaults(Coverage.GLOBAL).withEndpoint(URI.create("http://proxy:8080/v1/")).baseUri())
        .isEqualTo(URI.create("http://proxy:8080/v1"));
    assertThat(Coverage.parse("Japan")).isEqualTo(Coverage.JAPAN);
    assertThat(Coverage.parse("g")).isEqualTo(Coverage.GLOBAL);
    assertThatThrownBy(() -> Coverage.parse("mars")).hasMessageContaining("mars");
  }

  // ------------------------------------------------------------------ VPG

  @Test
  void readsTheVpgWithItsPeersSubnetVniAndGateState() {
    vpg.addCustomerPeer("10.0.1.23", "10.255.255.254");
    GatewayState state = client.readGateway("vpg-1");

    assertThat(state.gateway().vpgId()).isEqualTo("vpg-1");
    assertThat(state.gateway().deviceSubnet()).contains("10.128.0.0/9");
    assertThat(state.gateway().vni()).contains(10L);
    assertThat(state.gateway().isGateOpen()).isTrue();
    assertThat(state.gateway().type()).isEqualTo(15);
    assertThat(state.vpgPeers()).extracting(GatePeer::outerIpAddress).containsExactly("100.64.152.4", "100.64.152.132");
    assertThat(state.customerPeers()).extracting(GatePeer::outerIpAddress, GatePeer::innerIpAddress)
        .containsExactly(tuple("10.0.1.23", "10.255.255.254"));

    MockSoracomApi.RecordedRequest get = bed.api.requests().stream()
        .filter(r -> r.operation().equals("getVirtualPrivateGateway")).findFirst().orElseThrow();
    assertThat(get.method()).isEqualTo("GET");
    assertThat(get.path()).isEqualTo("/v1/virtual_private_gateways/vpg-1");
    assertThat(get.header("X-Soracom-API-Key")).startsWith("api-");
    assertThat(get.header("X-Soracom-Token")).isNotBlank();
    assertThat(get.header("X-Soracom-Lang")).isEqualTo("en");
  }

  @Test
  void aMissingVpgIsA404WithTheApisCodeAndMessage() {
    assertThatThrownBy(() -> client.getVirtualPrivateGateway("vpg-nope"))
        .isInstanceOfSatisfying(SoracomApiException.class, e -> {
          assertThat(e.httpStatus()).isEqualTo(404);
          assertThat(e.code()).isEqualTo("MCK0404");
          assertThat(e.apiMessage()).isEqualTo("No such VPG found");
          assertThat(e.operation()).isEqualTo("getVirtualPrivateGateway");
          assertThat(e.isTransient()).isFalse();
        })
        .hasMessage("SORACOM getVirtualPrivateGateway answered HTTP 404 MCK0404: No such VPG found");
  }

  @Test
  void pathParametersArePercentEncoded() {
    assertThatThrownBy(() -> client.getSim("a b/c?d")).isInstanceOf(SoracomApiException.class);
    assertThat(bed.api.requests()).extracting(MockSoracomApi.RecordedRequest::path).contains("/v1/sims/a%20b%2Fc%3Fd");
  }

  // ------------------------------------------------------------------ gate peers

  @Test
  void registersACustomerGatePeerWithOuterAndInnerAddress() throws Exception {
    GatePeer peer = client.registerGatePeer("vpg-1", "10.0.1.24", "10.255.255.253");

    assertThat(peer).isEqualTo(new GatePeer("10.0.1.24", "10.255.255.253", "9", true));
    assertThat(vpg.peer("10.0.1.24")).hasValueSatisfying(p -> assertThat(p.innerIpAddress()).isEqualTo("10.255.255.253"));
    MockSoracomApi.RecordedRequest post = only("registerGatePeer");
    assertThat(post.method()).isEqualTo("POST");
    assertThat(post.path()).isEqualTo("/v1/virtual_private_gateways/vpg-1/gate/peers");
    assertThat(post.header("Content-Type")).isEqualTo("application/json");
    assertThat(new ObjectMapper().readTree(post.body()))
        .isEqualTo(new ObjectMapper().readTree("{\"outerIpAddress\":\"10.0.1.24\",\"innerIpAddress\":\"10.255.255.253\"}"));
  }

  @Test
  void withoutAnInnerAddressTheApiAssignsOneAndTheBodyLeavesItOut() {
    GatePeer peer = client.registerGatePeer("vpg-1", "10.0.1.24", null);
    assertThat(peer.innerIpAddress()).isNotBlank();
    assertThat(only("registerGatePeer").body()).isEqualTo("{\"outerIpAddress\":\"10.0.1.24\"}");
  }

  @Test
  void anIdenticalRegistrationIsReturnedWithoutAPost() {
    vpg.addCustomerPeer("10.0.1.24", "10.255.255.253");
    assertThat(client.registerGatePeer("vpg-1", "10.0.1.24", "10.255.255.253").innerIpAddress()).isEqualTo("10.255.255.253");
    assertThat(bed.api.calls("registerGatePeer")).isZero();
  }

  @Test
  void aConflictingRegistrationIsReportedAndNothingChanges() {
    vpg.addCustomerPeer("10.0.1.24", "10.255.255.250");
    assertThatThrownBy(() -> client.registerGatePeer("vpg-1", "10.0.1.24", "10.255.255.253"))
        .isInstanceOfSatisfying(GatePeerConflictException.class,
            e -> assertThat(e.existing().innerIpAddress()).isEqualTo("10.255.255.250"))
        .hasMessageContaining("10.255.255.250");
    assertThatThrownBy(() -> client.registerGatePeer("vpg-1", "100.64.152.4", null))
        .isInstanceOf(GatePeerConflictException.class).hasMessageContaining("VPG's own");
    assertThat(bed.api.calls("registerGatePeer")).isZero();
    assertThat(vpg.peer("10.0.1.24").orElseThrow().innerIpAddress()).isEqualTo("10.255.255.250");
  }

  /** Whatever a duplicate registration answers (undocumented), a retried POST that was applied the first time succeeds. */
  @ParameterizedTest
  @EnumSource(MockSoracomApi.DuplicateRegistration.class)
  void registrationAppliedButAnsweredWithAnErrorIsRetriedSafely(MockSoracomApi.DuplicateRegistration duplicate) {
    bed.api.duplicateRegistration(duplicate).failNextAfterApplying("registerGatePeer", 500);

    GatePeer peer = client.registerGatePeer("vpg-1", "10.0.1.24", "10.255.255.253");

    assertThat(peer.innerIpAddress()).isEqualTo("10.255.255.253");
    assertThat(peer.isCustomerPeer()).isTrue();
    assertThat(vpg.peers()).filteredOn(p -> p.outerIpAddress().equals("10.0.1.24")).hasSize(1);
    assertThat(bed.api.calls("registerGatePeer")).isEqualTo(2);
  }

  @Test
  void aRegistrationTheApiRefusesForAnotherReasonStaysRefused() {
    assertThatThrownBy(() -> client.registerGatePeer("vpg-1", "10.0.1.24", "192.168.1.1"))
        .isInstanceOfSatisfying(SoracomApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(400))
        .hasMessageContaining("device subnet");
    assertThat(bed.api.calls("registerGatePeer")).as("4xx is not retried").isEqualTo(1);
  }

  @Test
  void unregistersOnlyCustomerPeersAndOnlyWhatIsThere() {
    vpg.addCustomerPeer("10.0.1.24", "10.255.255.253");

    assertThat(client.unregisterGatePeer("vpg-1", "10.0.1.24")).isTrue();
    assertThat(vpg.peer("10.0.1.24")).isEmpty();
    assertThat(only("unregisterGatePeer").path()).isEqualTo("/v1/virtual_private_gateways/vpg-1/gate/peers/10.0.1.24");

    assertThat(client.unregisterGatePeer("vpg-1", "10.0.1.24")).as("already gone").isFalse();
    assertThatThrownBy(() -> client.unregisterGatePeer("vpg-1", "100.64.152.4")).isInstanceOf(GatePeerConflictException.class);
    assertThat(bed.api.calls("unregisterGatePeer")).as("nothing sent for absent or VPG-owned peers").isEqualTo(1);
    assertThat(vpg.peers()).hasSize(2);
  }

  @Test
  void anUnregistrationAppliedButAnsweredWithAnErrorEndsGone() {
    vpg.addCustomerPeer("10.0.1.24", "10.255.255.253");
    bed.api.failNextAfterApplying("unregisterGatePeer", 503);
    assertThat(client.unregisterGatePeer("vpg-1", "10.0.1.24")).isTrue();
    assertThat(vpg.peer("10.0.1.24")).isEmpty();
    assertThat(bed.api.calls("unregisterGatePeer")).as("the retry met 404").isEqualTo(2);
  }

  // ------------------------------------------------------------------ Gate

  @Test
  void openGateSendsOnlyWhatIsAskedAndTheApiDefaultsTheRest() {
    MockVpg closed = bed.api.addVpg("vpg-2", "10.128.0.0/9");
    client.openGate("vpg-2", null, null);
    assertThat(only("openGate").body()).isEqualTo("{}");
    assertThat(only("openGate").header("Content-Type")).isEqualTo("application/json");
    assertThat(closed.isGateOpen()).isTrue();
    assertThat(closed.vxlanId()).isEqualTo(10);

    MockVpg other = bed.api.addVpg("vpg-3", "10.128.0.0/9");
    client.openGate("vpg-3", 4242, true);
    assertThat(other.vxlanId()).isEqualTo(4242);
    assertThat(other.privacySeparator()).isTrue();
    assertThatThrownBy(() -> client.openGate("vpg-3", 16_777_216, null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void openingAnOpenGateIsFineWhenItIsOpenAsAskedAndRefusedOtherwise() {
    client.openGate("vpg-1", 10, null);
    assertThatThrownBy(() -> client.openGate("vpg-1", 77, null))
        .isInstanceOfSatisfying(SoracomApiException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));
    assertThat(vpg.vxlanId()).isEqualTo(10);
  }

  // ------------------------------------------------------------------ IP address map

  @Test
  void readsTheWholeIpAddressMapAcrossPages() {
    for (int i = 0; i < 230; i++) {
      vpg.putStaticEntry("44010000002%04d".formatted(i), "10.128.%d.%d".formatted(30 + i / 200, 1 + i % 200));
    }
    vpg.addCustomerPeer("10.0.1.23", "10.255.255.254");

    List<IpAddressMapEntry> entries = client.listIpAddressMap("vpg-1");

    assertThat(entries).hasSize(233).extracting(IpAddressMapEntry::ipAddress).doesNotHaveDuplicates();
    assertThat(entries).filteredOn(IpAddressMapEntry::isStatic).hasSize(230)
        .allSatisfy(e -> assertThat(e.key()).startsWith("4401"));
    assertThat(entries).filteredOn(e -> "customerGatePeer".equals(e.type())).singleElement()
        .extracting(IpAddressMapEntry::key).isEqualTo("10.255.255.254");
    assertThat(bed.api.calls("listVirtualPrivateGatewayIpAddressMapEntries")).isEqualTo(3);
    assertThat(bed.api.requests()).filteredOn(r -> r.operation().startsWith("listVirtualPrivate"))
        .extracting(r -> r.query().get("last_evaluated_key")).containsExactly(null, "10.128.30.98", "10.128.30.198");
  }

  // ------------------------------------------------------------------ SIMs

  @Test
  void listsTheSimsOfAGroupAcrossSeveralPages() {
    bed.api.addGroup("group-a").addGroup("group-b").maxPageSize(40);
    for (int i = 0; i < 130; i++) {
      bed.api.addSim("89811000000000%05d".formatted(i), "44010000001%04d".formatted(i)).named("dev-" + i)
          .inGroup(i % 10 == 0 ? "group-b" : "group-a");
    }

    List<Sim> sims = client.listSimsInGroup("group-a");

    assertThat(sims).hasSize(117).extracting(Sim::simId).doesNotHaveDuplicates();
    assertThat(sims).allSatisfy(s -> assertThat(s.groupId()).isEqualTo("group-a"));
    assertThat(bed.api.calls("listSubscribersInGroup")).as("117 at 40 a page").isEqualTo(3);
    List<MockSoracomApi.RecordedRequest> pages = bed.api.requests().stream()
        .filter(r -> r.operation().equals("listSubscribersInGroup")).toList();
    assertThat(pages).allSatisfy(r -> assertThat(r.query()).containsEntry("limit", "100"));
    assertThat(pages.get(1).query().get("last_evaluated_key")).isEqualTo(sims.get(39).imsis().get(0));
  }

  @Test
  void listsSubscribersByTagExactlyOrByPrefix() {
    for (int i = 0; i < 120; i++) {
      bed.api.addSim("89811000000000%05d".formatted(i), "44010000001%04d".formatted(i))
          .named(i < 110 ? "edge-%03d".formatted(i) : "core-%03d".formatted(i));
    }
    List<Subscriber> edges = client.listSubscribers(new TagFilter("name", "edge-", TagFilter.MatchMode.PREFIX));
    assertThat(edges).hasSize(110).allSatisfy(s -> assertThat(s.name()).hasValueSatisfying(n -> assertThat(n).startsWith("edge-")));
    assertThat(bed.api.calls("listSubscribers")).isEqualTo(2);
    assertThat(bed.api.requests().get(1).query()).containsEntry("tag_name", "name").containsEntry("tag_value", "edge-")
        .containsEntry("tag_value_match_mode", "prefix").containsEntry("limit", "100");

    assertThat(client.listSubscribers(TagFilter.exact("name", "core-115"))).singleElement()
        .extracting(Subscriber::imsi).isEqualTo("440100000010115");
    assertThat(client.listSubscribersPage(TagFilter.exact("name", "x"), new PageRequest(500, null)).items()).isEmpty();
    assertThat(bed.api.requests().getLast().query()).as("listSubscribers takes at most 100").containsEntry("limit", "100");
  }

  @Test
  void followsTheLinkHeaderWhenAnApiSendsOnlyThat() {
    bed.api.addGroup("group-a").maxPageSize(10).cursorHeaders(MockSoracomApi.CursorHeaders.LINK_ONLY);
    for (int i = 0; i < 25; i++) {
      bed.api.addSim("89811000000000%05d".formatted(i), "44010000001%04d".formatted(i)).inGroup("group-a");
    }
    assertThat(client.listSimsInGroup("group-a")).hasSize(25);
    assertThat(bed.api.calls("listSubscribersInGroup")).isEqualTo(3);
  }

  @Test
  void readsASimsSessionAddressAndImsi() {
    bed.api.addSim("8981100000000000001", "440100000000001").named("edge-01").online("vpg-1", "10.128.10.20");
    bed.api.addSim("8981100000000000002", "440100000000002").named("edge-02").offline();
    bed.api.addSim("8981100000000000003", "440100000000003");

    Sim online = client.getSim("8981100000000000001");
    assertThat(online.name()).contains("edge-01");
    assertThat(online.isOnline()).isTrue();
    assertThat(online.sessionAddress()).contains("10.128.10.20");
    assertThat(online.sessionStatus().vpgId()).isEqualTo("vpg-1");
    assertThat(online.imsis()).containsExactly("440100000000001");

    Sim offline = client.getSim("8981100000000000002");
    assertThat(offline.isOnline()).isFalse();
    assertThat(offline.sessionAddress()).isEmpty();

    Sim never = client.getSim("8981100000000000003");
    assertThat(never.sessionStatus()).isNull();
    assertThat(never.name()).as("an empty name tag is no name").isEmpty();
    assertThat(never.imsis()).containsExactly("440100000000003");
  }

  private MockSoracomApi.RecordedRequest only(String operation) {
    List<MockSoracomApi.RecordedRequest> matching = bed.api.requests().stream().filter(r -> r.operation().equals(operation)).toList();
    assertThat(matching).as(operation).hasSize(1);
    return matching.get(0);
  }
}
