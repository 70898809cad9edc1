package dev.simgate.operator.devicesubnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.RejectedSim;
import dev.simgate.operator.api.v1alpha1.SimDevice;
import dev.simgate.operator.api.v1alpha1.SoracomSimsSpec.WhenOffline;

class SimDevicePlannerTest {
  static final List<Cidr> CIDRS = List.of(Cidr.parse("10.128.0.0/16"));
  static final String VPG = "vpg-1";

  static SimRecord online(String simId, String name, String ip) {
    return new SimRecord(simId, List.of("4401" + simId), Map.of("name", name), true, ip, VPG);
  }

  static SimRecord offline(String simId, String name) {
    return new SimRecord(simId, List.of("4401" + simId), Map.of("name", name), false, null, null);
  }

  static SimDevicePlanner.Result plan(List<SimRecord> sims, Map<String, String> statics, WhenOffline offline,
      Map<String, SimDevice> before, List<Device> spec) {
    return SimDevicePlanner.plan(sims, statics, "name", CIDRS, spec, VPG, offline, before);
  }

  static SimDevicePlanner.Result plan(SimRecord... sims) {
    return plan(List.of(sims), Map.of(), WhenOffline.KeepResolving, Map.of(), List.of());
  }

  @Test
  void namesBecomeDnsLabelsByFixedRulesOnly() {
    assertThat(DnsLabel.of("Edge Router_01.b").label()).isEqualTo("edge-router-01-b");
    assertThat(DnsLabel.of("  pump -- 1 ").label()).isEqualTo("pump-1");
    assertThat(DnsLabel.of("pump#1").problem()).contains("'#'");
    assertThat(DnsLabel.of("ポンプ").problem()).contains("DNS label");
    assertThat(DnsLabel.of("x".repeat(64)).problem()).contains("longer than 63");
    assertThat(DnsLabel.of("---").problem()).contains("no letter or digit");
    assertThat(DnsLabel.of("").problem()).isEqualTo("no name");
  }

  @Test
  void theStaticEntryWinsOverTheSession() {
    SimRecord sim = online("s1", "Pump 1", "10.128.5.5");
    var result = plan(List.of(sim), Map.of("4401s1", "10.128.1.1"), WhenOffline.KeepResolving, Map.of(), List.of());
    assertThat(result.devices()).containsExactly(
        new SimDevice("pump-1", "10.128.1.1", SimDevice.STATIC_ENTRY, "s1", "4401s1", true, true));
  }

  @Test
  void anOnlineSessionInThisVpgGivesTheAddress() {
    assertThat(plan(online("s1", "pump-1", "10.128.5.5")).devices()).singleElement()
        .satisfies(d -> {
          assertThat(d.address()).isEqualTo("10.128.5.5");
          assertThat(d.addressSource()).isEqualTo(SimDevice.SESSION);
          assertThat(d.online()).isTrue();
        });
    SimRecord elsewhere = new SimRecord("s2", List.of("44012"), Map.of("name", "x"), true, "10.128.5.6", "vpg-other");
    assertThat(plan(elsewhere).rejected()).singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("online in VPG vpg-other"));
  }

  @Test
  void anOfflineSimKeepsItsLastAddressMarkedAndResolvesOnlyIfTheUserSaidSo() {
    SimDevice before = new SimDevice("pump-1", "10.128.5.5", SimDevice.SESSION, "s1", "4401s1", true, true);
    var keep = plan(List.of(offline("s1", "pump-1")), Map.of(), WhenOffline.KeepResolving, Map.of("s1", before), List.of());
    assertThat(keep.devices()).singleElement().satisfies(d -> {
      assertThat(d.address()).isEqualTo("10.128.5.5");
      assertThat(d.online()).isFalse();
      assertThat(d.resolvable()).isTrue();
    });
    var stop = plan(List.of(offline("s1", "pump-1")), Map.of(), WhenOffline.StopResolving, Map.of("s1", before), List.of());
    assertThat(stop.devices()).singleElement().satisfies(d -> {
      assertThat(d.online()).isFalse();
      assertThat(d.resolvable()).isFalse();
    });
    assertThat(plan(offline("s1", "pump-1")).rejected()).singleElement()
        .satisfies(r -> assertThat(r.reason()).contains("offline"));
  }

  @Test
  void collidingNamesAndAddressesAreReportedForEveryClaimantNeverGuessed() {
    var result = plan(online("s1", "Pump 1", "10.128.0.1"), online("s2", "pump-1", "10.128.0.2"),
        online("s3", "meter", "10.128.0.3"), online("s4", "gauge", "10.128.0.3"), online("s5", "valve", "10.128.0.5"));
    assertThat(result.devices()).extracting(SimDevice::name).containsExactly("valve");
    assertThat(result.rejected()).extracting(RejectedSim::simId).containsExactly("s1", "s2", "s3", "s4");
    assertThat(result.rejected().getFirst().reason()).contains("name pump-1 is claimed by SIMs [s1, s2]");
    assertThat(result.rejected().get(2).reason()).contains("address 10.128.0.3 is claimed by SIMs [s3, s4]");
  }

  @Test
  void specDevicesKeepTheirNamesAndAddresses() {
    var result = plan(List.of(online("s1", "pump-1", "10.128.0.1"), online("s2", "other", "10.128.3.17")), Map.of(),
        WhenOffline.KeepResolving, Map.of(), List.of(new Device("pump-1", "10.128.3.17")));
    assertThat(result.devices()).isEmpty();
    assertThat(result.rejected()).extracting(RejectedSim::reason)
        .containsExactly("name pump-1 is already used by spec.devices", "address 10.128.3.17 is already used by spec.devices");
  }

  @Test
  void missingOrInvalidNamesAndAddressesOutsideTheCidrsAreReported() {
    SimRecord unnamed = new SimRecord("s1", List.of("1"), Map.of("name", ""), true, "10.128.0.1", VPG);
    var result = plan(unnamed, online("s2", "bad/name", "10.128.0.2"), online("s3", "far", "10.200.0.1"));
    assertThat(result.devices()).isEmpty();
    assertThat(result.rejected()).extracting(RejectedSim::reason).containsExactly("no 'name' tag",
        "name 'bad/name' has '/', which a DNS label cannot hold", "address 10.200.0.1 is outside spec.cidrs [10.128.0.0/16]");
  }

  @Test
  void devicesOfAnEarlierReadAreCheckedAgainstTheCurrentSpec() {
    SimDevice inside = new SimDevice("a", "10.128.0.1", SimDevice.SESSION, "s1", "1", true, true);
    SimDevice outside = new SimDevice("b", "10.129.0.1", SimDevice.SESSION, "s2", "2", true, true);
    SimDevice takenBySpec = new SimDevice("pump-1", "10.128.0.3", SimDevice.SESSION, "s3", "3", true, true);
    SimDevice badName = new SimDevice("Bad_Name", "10.128.0.4", SimDevice.SESSION, "s4", "4", true, true);
    assertThat(SimDevicePlanner.stillValid(List.of(inside, outside, takenBySpec, badName), CIDRS,
        List.of(new Device("pump-1", "10.128.3.17")))).containsExactly(inside);
  }
}
