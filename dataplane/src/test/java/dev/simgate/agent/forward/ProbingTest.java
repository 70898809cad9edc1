package dev.simgate.agent.forward;

import static dev.simgate.agent.forward.TestFrames.arp;
import static dev.simgate.agent.forward.TestFrames.frame;
import static dev.simgate.agent.forward.TestFrames.plain;
import static dev.simgate.agent.forward.TestFrames.vxlan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.packet.MacAddress;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Probing each VPG peer and acting on it, on the packet path between an in-memory TAP and socket: a probe round sends
 * each peer its own ARP request, answers are consumed and bring a peer up, a peer that misses its probes goes down
 * (its MACs forgotten, floods no longer sent to it) and comes back when it answers again.
 */
class ProbingTest {
  private static final Ipv4 VPG1 = Ipv4.parse("198.51.100.1");
  private static final Ipv4 VPG2 = Ipv4.parse("198.51.100.3");
  private static final Ipv4 INNER = Ipv4.parse("10.128.255.254");
  private static final Ipv4 PROBED = Ipv4.parse("10.128.0.1");
  private static final long OWN_MAC = MacAddress.parse("02:00:00:00:00:fe");
  private static final long VPG1_MAC = MacAddress.parse("02:00:00:00:00:01");
  private static final long VPG2_MAC = MacAddress.parse("02:00:00:00:00:02");
  private static final long SIM1_MAC = MacAddress.parse("02:00:00:00:01:01");
  private static final long BROADCAST = MacAddress.parse("ff:ff:ff:ff:ff:ff");
  private static final NodeAddresses NODE = new NodeAddresses(Ipv4.parse("198.51.100.2"), new Cidr(INNER, 9));
  private static final AgentConfig CONFIG = new AgentConfig(Settings.defaults(List.of(VPG1, VPG2)), NODE);

  private final FakeTap tap = new FakeTap();
  private final FakeUdp udp = new FakeUdp();
  private final List<String> changes = new ArrayList<>();
  private final Forwarder forwarder = new Forwarder(tap, OWN_MAC, udp, CONFIG, e -> {},
      (peer, state, up) -> changes.add(peer + " " + state + " " + up));

  @AfterEach
  void close() {
    forwarder.close();
  }

  @Test
  void eachVpgPeerGetsItsOwnArpRequestForTheProbeAddress() {
    forwarder.probe();

    byte[] request = arp(1, BROADCAST, OWN_MAC, INNER.bits(), 0, PROBED.bits());
    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).containsExactly(VPG1, VPG2);
    assertThat(udp.sent).allSatisfy(d -> assertThat(d.payload()).isEqualTo(vxlan(10, request)));
    assertThat(forwarder.peersUp()).as("no answer yet").isZero();
  }

  @Test
  void anAnswerBringsItsPeerUpAndIsKeptFromTheHost() {
    forwarder.probe();
    answer(VPG2, VPG2_MAC);

    assertThat(tap.written).as("probe answers are the agent's").isEmpty();
    assertThat(forwarder.stats().macEntries()).as("and steer no traffic").isZero();
    assertThat(forwarder.peersUp()).isEqualTo(1);
    assertThat(state(VPG2)).isEqualTo("up");
    assertThat(state(VPG1)).isEqualTo("pending");
    assertThat(peer(VPG2).probeReplies()).isEqualTo(1);
    assertThat(peer(VPG2).lastRtt()).isNotNaN().isNotNegative();
    assertThat(Arrays.stream(peer(VPG2).rttCounts()).sum()).isEqualTo(1);
    assertThat(changes).containsExactly(VPG2 + " up 1");
  }

  @Test
  void aPeerThatMissesItsProbesGoesDownLosesItsMacsAndGetsNoMoreFloodsUntilItAnswers() {
    forwarder.probe();
    answer(VPG1, VPG1_MAC);
    answer(VPG2, VPG2_MAC);
    receive(VPG2, frame(OWN_MAC, SIM1_MAC, 64)); // SIM 1 learned behind VPG peer 2
    tap.written.clear();

    for (int round = 0; round < 3; round++) { // default failureThreshold: 3; only peer 1 keeps answering
      forwarder.probe();
      answer(VPG1, VPG1_MAC);
    }
    assertThat(state(VPG2)).as("after 2 missed probes").isEqualTo("up");
    forwarder.probe();
    answer(VPG1, VPG1_MAC);
    assertThat(state(VPG2)).as("after 3 missed probes").isEqualTo("down");
    assertThat(changes).containsSubsequence(VPG2 + " down 1");
    assertThat(peer(VPG2).wentDown()).isEqualTo(1);

    udp.sent.clear();
    send(frame(SIM1_MAC, OWN_MAC, 60)); // learned behind the dead peer: forgotten, so it floods
    send(frame(BROADCAST, OWN_MAC, 28));
    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).as("nothing to the dead peer")
        .containsExactly(VPG1, VPG1);

    receive(VPG2, frame(OWN_MAC, SIM1_MAC, 64));
    udp.sent.clear();
    send(frame(SIM1_MAC, OWN_MAC, 60));
    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).as("not learned from a peer that is down")
        .containsExactly(VPG1);

    forwarder.probe();
    answer(VPG2, VPG2_MAC);
    assertThat(state(VPG2)).isEqualTo("up");
    assertThat(changes).endsWith(VPG2 + " up 2");
    udp.sent.clear();
    send(frame(BROADCAST, OWN_MAC, 28));
    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).as("floods reach it again").containsExactly(VPG1, VPG2);
  }

  @Test
  void whenNoPeerAnswersFramesStillFloodToAll() {
    for (int round = 0; round < 4; round++) {
      forwarder.probe();
    }
    assertThat(state(VPG1)).isEqualTo("down");
    assertThat(state(VPG2)).isEqualTo("down");
    assertThat(forwarder.peersUp()).isZero();

    udp.sent.clear();
    send(frame(BROADCAST, OWN_MAC, 28));
    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).as("fails open").containsExactly(VPG1, VPG2);
  }

  @Test
  void answersToTheHostsOwnArpRequestReachTheHostToo() {
    send(arp(1, BROADCAST, OWN_MAC, INNER.bits(), 0, PROBED.bits())); // the host asks for the probe address
    forwarder.probe();
    answer(VPG1, VPG1_MAC);

    assertThat(tap.written).as("the host asked, so it gets the answer").hasSize(1);
    assertThat(state(VPG1)).as("and it counts as the peer's answer").isEqualTo("up");
  }

  @Test
  void otherArpRepliesAreNotProbeAnswers() {
    forwarder.probe();
    byte[] otherAddress = arp(2, OWN_MAC, SIM1_MAC, Ipv4.parse("10.128.1.1").bits(), OWN_MAC, INNER.bits());
    byte[] toSomeoneElse = arp(2, SIM1_MAC, VPG1_MAC, PROBED.bits(), SIM1_MAC, Ipv4.parse("10.128.3.3").bits());
    receive(VPG1, otherAddress);
    receive(VPG1, toSomeoneElse);

    assertThat(tap.written).hasSize(2);
    assertThat(state(VPG1)).isEqualTo("pending");
  }

  @Test
  void withProbingOffEveryPeerCountsAsUpAndNothingIsSent() {
    var off = CONFIG.withSettings(CONFIG.settings().withProbe(
        new Settings.Probe(Settings.Probe.Kind.NONE, null, Settings.Probe.DEFAULT_INTERVAL, 3)));
    forwarder.reconfigure(off, udp);
    forwarder.probe();

    assertThat(udp.sent).isEmpty();
    assertThat(forwarder.peersUp()).isEqualTo(2);
  }

  @Test
  void onlyIpv4AndArpFromTheTunnelReachTheHost() {
    receive(VPG1, frame(OWN_MAC, SIM1_MAC, 0x86dd, 64)); // IPv6 (router advertisements included)
    receive(VPG1, frame(OWN_MAC, SIM1_MAC, 0x8100, 64)); // VLAN-tagged
    receive(VPG1, frame(OWN_MAC, SIM1_MAC, 0x88cc, 64)); // LLDP
    receive(VPG1, frame(OWN_MAC, SIM1_MAC, 64));
    receive(VPG1, arp(1, BROADCAST, SIM1_MAC, Ipv4.parse("10.128.1.1").bits(), 0, INNER.bits()));

    assertThat(tap.written).hasSize(2).allSatisfy(written -> assertThat(
        ((written[VirtioNetHeader.LENGTH + 12] & 0xff) << 8) | (written[VirtioNetHeader.LENGTH + 13] & 0xff))
        .isIn(0x0800, 0x0806));
    assertThat(forwarder.stats().drops().get(DropReason.UNSUPPORTED_ETHERTYPE)).isEqualTo(3);
  }

  private void answer(Ipv4 peer, long peerMac) {
    receive(peer, arp(2, OWN_MAC, peerMac, PROBED.bits(), OWN_MAC, INNER.bits()));
  }

  private void receive(Ipv4 peer, byte[] frame) {
    udp.incoming.add(new FakeUdp.Datagram(peer, 4789, vxlan(10, frame)));
    forwarder.onDatagramsReadable();
  }

  private void send(byte[] frame) {
    tap.toRead.add(plain(frame));
    forwarder.onFramesReadable();
  }

  private Stats.VpgPeerStats peer(Ipv4 address) {
    return forwarder.stats().vpgPeers().stream().filter(p -> p.address().equals(address.toString())).findFirst()
        .orElseThrow();
  }

  private String state(Ipv4 address) {
    return peer(address).state();
  }
}
