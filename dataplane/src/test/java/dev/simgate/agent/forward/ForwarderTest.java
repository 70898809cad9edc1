package dev.simgate.agent.forward;

import static dev.simgate.agent.forward.TestFrames.frame;
import static dev.simgate.agent.forward.TestFrames.plain;
import static dev.simgate.agent.forward.TestFrames.tso;
import static dev.simgate.agent.forward.TestFrames.vni;
import static dev.simgate.agent.forward.TestFrames.vxlan;
import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.offload.TcpFrames;
import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.packet.MacAddress;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packet path between an in-memory TAP and an in-memory socket that plays the kernel's part (as wireguard-go
 * tests its device with a fake TUN and bind): what a VPG peer sends reaches the TAP, what the host sends reaches the
 * right VPG peers, and what must not pass is dropped and counted. The lab tests run the same path on real devices.
 */
class ForwarderTest {
  private static final Ipv4 VPG1 = Ipv4.parse("198.51.100.1");
  private static final Ipv4 VPG2 = Ipv4.parse("198.51.100.3");
  private static final Ipv4 STRANGER = Ipv4.parse("198.51.100.66");
  private static final long OWN_MAC = MacAddress.parse("02:00:00:00:00:fe");
  private static final long SIM1_MAC = MacAddress.parse("02:00:00:00:01:01");
  private static final long SIM2_MAC = MacAddress.parse("02:00:00:00:02:01");
  private static final long BROADCAST = MacAddress.parse("ff:ff:ff:ff:ff:ff");
  private static final Settings SETTINGS = Settings.defaults(List.of(VPG1, VPG2));
  private static final NodeAddresses NODE = new NodeAddresses(Ipv4.parse("198.51.100.2"), Cidr.parse("10.128.255.254/9"));

  private final FakeTap tap = new FakeTap();
  private final FakeUdp udp = new FakeUdp();
  private final List<Integer> tapLost = new ArrayList<>();
  private Forwarder forwarder = new Forwarder(tap, OWN_MAC, udp, new AgentConfig(SETTINGS, NODE), tapLost::add,
      (peer, state, up) -> {});

  @AfterEach
  void close() {
    forwarder.close();
  }

  @Test
  void aFrameFromAVpgPeerReachesTheTapAsItWasAndTeachesItsMac() {
    byte[] frame = frame(OWN_MAC, SIM1_MAC, 100);
    udp.incoming.add(new FakeUdp.Datagram(VPG2, 4789, vxlan(10, frame)));
    forwarder.onDatagramsReadable();

    assertThat(tap.written).singleElement().satisfies(written -> {
      assertThat(Arrays.copyOf(written, VirtioNetHeader.LENGTH)).as("no offloads").isEqualTo(new byte[10]);
      assertThat(Arrays.copyOfRange(written, VirtioNetHeader.LENGTH, written.length)).isEqualTo(frame);
    });
    Stats stats = forwarder.stats();
    assertThat(stats.vpgPeers()).filteredOn(p -> p.address().equals(VPG2.toString())).singleElement()
        .satisfies(p -> assertThat(p.rxPackets()).isEqualTo(1));

    // The reply to SIM 1 now goes to VPG peer 2 alone.
    tap.toRead.add(plain(frame(SIM1_MAC, OWN_MAC, 60)));
    forwarder.onFramesReadable();
    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).containsExactly(VPG2);
  }

  @Test
  void framesToUnknownOrGroupMacsGoToEveryVpgPeer() {
    byte[] arp = frame(BROADCAST, OWN_MAC, 28);
    byte[] unknown = frame(SIM2_MAC, OWN_MAC, 80);
    tap.toRead.add(plain(arp));
    tap.toRead.add(plain(unknown));
    forwarder.onFramesReadable();

    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).containsExactly(VPG1, VPG2, VPG1, VPG2);
    assertThat(udp.sent).allSatisfy(d -> assertThat(d.port()).isEqualTo(4789));
    assertThat(udp.sent.get(1).payload()).isEqualTo(vxlan(10, arp));
    assertThat(udp.sent.get(3).payload()).isEqualTo(vxlan(10, unknown));
  }

  @Test
  void onlyVpgPeersWithTheRightVniGetThrough() {
    byte[] frame = frame(OWN_MAC, SIM1_MAC, 64);
    udp.incoming.add(new FakeUdp.Datagram(STRANGER, 4789, vxlan(10, frame)));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, vxlan(11, frame)));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, Arrays.copyOf(vxlan(10, frame), 8 + 13)));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, vxlan(10, frame(OWN_MAC, OWN_MAC, 64))));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, vxlan(10, frame(OWN_MAC, BROADCAST, 64))));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 1234, vxlan(10, frame)));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, new byte[Receiver.SLOT])); // too big for a slot
    forwarder.onDatagramsReadable();

    assertThat(tap.written).as("only the VPG peer's frame, from any source port").hasSize(1);
    var drops = forwarder.stats().drops();
    assertThat(drops.get(DropReason.UNKNOWN_PEER)).isEqualTo(1);
    assertThat(drops.get(DropReason.BAD_VNI)).isEqualTo(1);
    assertThat(drops.get(DropReason.MALFORMED)).as("truncated, group source, oversized").isEqualTo(3);
    assertThat(drops.get(DropReason.LOOP)).isEqualTo(1);
  }

  @Test
  void aTsoSuperFrameLeavesAsMssSizedSegmentsWithOrWithoutUdpGso() {
    for (boolean gso : new boolean[] {true, false}) {
      udp.gso = gso;
      udp.sent.clear();
      forwarder.reconfigure(new AgentConfig(SETTINGS, NODE), udp);
      byte[] payload = new byte[10_000];
      new Random(1).nextBytes(payload);
      byte[] superFrame = TcpFrames.superFrame(payload, 1000, 7, TcpFrames.ACK | TcpFrames.PSH);
      tap.toRead.add(tso(superFrame, 1398));
      forwarder.onFramesReadable();

      assertThat(udp.sent).as("8 segments to each VPG peer (gso %s)", gso).hasSize(16);
      ByteArrayOutputStream toVpg1 = new ByteArrayOutputStream();
      for (FakeUdp.Datagram d : udp.sent) {
        assertThat(d.payload().length).isLessThanOrEqualTo(8 + TcpFrames.HEADERS + 1398);
        if (d.peer().equals(VPG1)) {
          toVpg1.writeBytes(Arrays.copyOfRange(d.payload(), 8 + TcpFrames.HEADERS, d.payload().length));
        }
      }
      assertThat(toVpg1.toByteArray()).as("payload in order").isEqualTo(payload);
    }
    assertThat(udp.gsoMessages).as("with GSO, one message per VPG peer").isEqualTo(2);
  }

  @Test
  void smallFramesOfOneSizeLeaveTogetherAndArriveWholeInOrder() {
    receiveFrom(VPG1, SIM1_MAC);
    for (int i = 0; i < 10; i++) {
      byte[] frame = frame(SIM1_MAC, OWN_MAC, 100);
      frame[20] = (byte) i;
      tap.toRead.add(plain(frame));
    }
    forwarder.onFramesReadable();

    assertThat(udp.gsoMessages).isEqualTo(1);
    assertThat(forwarder.stats().txCoalesced()).isEqualTo(9);
    assertThat(udp.sent).hasSize(10).allSatisfy(d -> assertThat(d.peer()).isEqualTo(VPG1));
    for (int i = 0; i < 10; i++) {
      assertThat(udp.sent.get(i).payload()[8 + 20]).isEqualTo((byte) i);
    }
  }

  @Test
  void aFullSendBufferDropsAndCountsInsteadOfWaiting() {
    udp.room = 1;
    tap.toRead.add(plain(frame(BROADCAST, OWN_MAC, 28)));
    forwarder.onFramesReadable();

    assertThat(udp.sent).hasSize(1);
    assertThat(forwarder.stats().drops().get(DropReason.SOCKET_BUSY)).isEqualTo(1);
  }

  @Test
  void aVpgPeerThatIsRemovedTakesItsMacsAlong() {
    receiveFrom(VPG2, SIM2_MAC);
    forwarder.reconfigure(new AgentConfig(Settings.defaults(List.of(VPG1)), NODE), udp);
    tap.toRead.add(plain(frame(SIM2_MAC, OWN_MAC, 60)));
    forwarder.onFramesReadable();

    assertThat(udp.sent).extracting(FakeUdp.Datagram::peer).as("flooded to who is left").containsExactly(VPG1);
    assertThat(forwarder.stats().macEntries()).isZero();
  }

  @Test
  void aVniChangeIsUsedBothWays() {
    forwarder.reconfigure(new AgentConfig(SETTINGS.withVni(77), NODE), udp);
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, vxlan(10, frame(OWN_MAC, SIM1_MAC, 64))));
    udp.incoming.add(new FakeUdp.Datagram(VPG1, 4789, vxlan(77, frame(OWN_MAC, SIM1_MAC, 64))));
    forwarder.onDatagramsReadable();
    tap.toRead.add(plain(frame(SIM1_MAC, OWN_MAC, 60)));
    forwarder.onFramesReadable();

    assertThat(tap.written).hasSize(1);
    assertThat(udp.sent).singleElement().satisfies(d -> assertThat(vni(d.payload())).isEqualTo(77));
  }

  @Test
  void aTapThatFailsForGoodIsReportedOnce() {
    tap.gone = true;
    forwarder.onFramesReadable();
    forwarder.onFramesReadable();
    assertThat(tapLost).containsExactly(FakeTap.EBADF);
  }

  private void receiveFrom(Ipv4 peer, long mac) {
    udp.incoming.add(new FakeUdp.Datagram(peer, 4789, vxlan(10, frame(OWN_MAC, mac, 64))));
    forwarder.onDatagramsReadable();
  }
}
