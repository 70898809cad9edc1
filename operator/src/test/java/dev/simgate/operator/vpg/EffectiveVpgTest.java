package dev.simgate.operator.vpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.api.v1alpha1.SoracomVpgSpec;
import dev.simgate.operator.api.v1alpha1.SoracomVpgStatus;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewaySpec;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGatewayStatus;

class EffectiveVpgTest {
  static VirtualPrivateGateway soracomVpg(SoracomVpgStatus read) {
    VirtualPrivateGatewaySpec spec = new VirtualPrivateGatewaySpec();
    spec.soracom = new SoracomVpgSpec("vpg-1", SoracomVpgSpec.Coverage.Japan, "soracom");
    VirtualPrivateGateway vpg = new VirtualPrivateGateway("v", spec);
    vpg.setStatus(new VirtualPrivateGatewayStatus());
    vpg.getStatus().soracom = read;
    return vpg;
  }

  static SoracomVpgStatus read(String vpgId) {
    SoracomVpgStatus s = new SoracomVpgStatus();
    s.vpgId = vpgId;
    s.deviceSubnet = "10.128.0.0/9";
    s.vni = 10;
    s.vpgPeers = List.of("100.64.152.4", "100.64.152.132");
    s.gateOpen = true;
    return s;
  }

  @Test
  void withoutSoracomTheSpecIsUsedAsItIs() {
    VirtualPrivateGateway vpg = new VirtualPrivateGateway("v", new VirtualPrivateGatewaySpec("10.128.0.0/9", List.of("100.64.0.1")));
    assertThat(EffectiveVpg.resolve(vpg).vpg()).isSameAs(vpg);
  }

  @Test
  void unsetFieldsComeFromWhatWasReadAndTheCachedObjectIsNotChanged() {
    VirtualPrivateGateway vpg = soracomVpg(read("vpg-1"));
    var resolution = EffectiveVpg.resolve(vpg);
    assertThat(resolution.pendingMessage()).isEmpty();
    assertThat(resolution.vpg().getSpec().deviceSubnet).isEqualTo("10.128.0.0/9");
    assertThat(resolution.vpg().getSpec().vni).isEqualTo(10);
    assertThat(resolution.vpg().getSpec().peers).containsExactly("100.64.152.4", "100.64.152.132");
    assertThat(vpg.getSpec().peers).isNull();
    assertThat(vpg.getSpec().deviceSubnet).isNull();
  }

  @Test
  void everyOtherSpecFieldIsCarriedOver() {
    VirtualPrivateGateway vpg = soracomVpg(read("vpg-1"));
    vpg.getSpec().mtu = 1400;
    vpg.getSpec().port = 4790;
    vpg.getSpec().namespaceSelector = new io.fabric8.kubernetes.api.model.LabelSelectorBuilder()
        .addToMatchLabels("a", "b").build();
    vpg.getSpec().probe = new dev.simgate.operator.api.v1alpha1.VpgProbe();
    var spec = EffectiveVpg.resolve(vpg).vpg().getSpec();
    assertThat(spec).usingRecursiveComparison().ignoringFields("deviceSubnet", "vni", "peers").isEqualTo(vpg.getSpec());
    assertThat(EffectiveVpg.peers(vpg)).containsExactly("100.64.152.4", "100.64.152.132");
    assertThat(EffectiveVpg.peers(soracomVpg(null))).isEmpty();
  }

  @Test
  void theSpecWinsOverWhatWasRead() {
    VirtualPrivateGateway vpg = soracomVpg(read("vpg-1"));
    vpg.getSpec().deviceSubnet = "10.0.0.0/8";
    vpg.getSpec().vni = 20;
    vpg.getSpec().peers = List.of("100.64.0.9");
    var spec = EffectiveVpg.resolve(vpg).vpg().getSpec();
    assertThat(spec.deviceSubnet).isEqualTo("10.0.0.0/8");
    assertThat(spec.vni).isEqualTo(20);
    assertThat(spec.peers).containsExactly("100.64.0.9");
  }

  @Test
  void nothingReadYetOrReadForAnotherVpgIsPendingNamingTheFields() {
    assertThat(EffectiveVpg.resolve(soracomVpg(null)).pendingMessage()).get().asString()
        .contains("deviceSubnet, vni, peers", "vpg-1", "not been read yet");
    assertThat(EffectiveVpg.resolve(soracomVpg(read("vpg-0"))).pendingMessage()).isPresent();
  }

  @Test
  void aDeviceSubnetWaitsOnlyForTheDeviceSubnet() {
    SoracomVpgStatus partial = read("vpg-1");
    partial.vpgPeers = List.of();
    partial.vni = null;
    assertThat(EffectiveVpg.resolve(soracomVpg(partial)).pendingMessage()).get().asString().contains("vni, peers");
    var forSubnet = EffectiveVpg.resolveDeviceSubnet(soracomVpg(partial));
    assertThat(forSubnet.pendingMessage()).isEmpty();
    assertThat(forSubnet.vpg().getSpec().deviceSubnet).isEqualTo("10.128.0.0/9");
    assertThat(EffectiveVpg.resolveDeviceSubnet(soracomVpg(null)).pendingMessage()).get().asString()
        .contains("takes deviceSubnet from");
  }

  @Test
  void malformedStatusIsNotTrusted() {
    SoracomVpgStatus bad = read("vpg-1");
    bad.vpgPeers = List.of("100.64.152.4", "not-an-ip");
    assertThat(EffectiveVpg.resolve(soracomVpg(bad)).pendingMessage()).get().asString().contains("peers");
    SoracomVpgStatus duplicate = read("vpg-1");
    duplicate.vpgPeers = List.of("100.64.152.4", "100.64.152.4");
    assertThat(EffectiveVpg.resolve(soracomVpg(duplicate)).pendingMessage()).isPresent();
    SoracomVpgStatus badSubnet = read("vpg-1");
    badSubnet.deviceSubnet = "0.0.0.0/99";
    assertThat(EffectiveVpg.resolve(soracomVpg(badSubnet)).pendingMessage()).get().asString().contains("deviceSubnet");
  }
}
