package dev.simgate.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.offload.VirtioNetHeader;
import dev.simgate.agent.packet.MacAddress;
import dev.simgate.contract.agentconfig.AgentConfig;
import dev.simgate.contract.agentconfig.NodeAddresses;
import dev.simgate.contract.agentconfig.Settings;
import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing of the receive path's drop decisions, past the VXLAN header's own fuzzing: arbitrary datagrams from VPG peers
 * and strangers, with a valid header or not, an IPv4, ARP or any other EtherType, a probe-answer shape or not. Nothing
 * throws, every datagram is either written to the TAP, counted as dropped or taken as a probe answer, and what reaches
 * the TAP is IPv4 or ARP from a VPG peer with the right VNI and a unicast source that is not our own.
 */
class ReceiveFuzzTest {
  private static final Ipv4 VPG1 = Ipv4.parse("198.51.100.1");
  private static final Ipv4 VPG2 = Ipv4.parse("198.51.100.3");
  private static final Ipv4 STRANGER = Ipv4.parse("198.51.100.66");
  private static final Ipv4 INNER = Ipv4.parse("10.128.255.254");
  private static final Ipv4 PROBED = Ipv4.parse("10.128.0.1");
  private static final long OWN_MAC = MacAddress.parse("02:00:00:00:00:fe");
  private static final AgentConfig CONFIG = new AgentConfig(Settings.defaults(List.of(VPG1, VPG2)),
      new NodeAddresses(Ipv4.parse("198.51.100.2"), new Cidr(INNER, 9)));

  @Property(tries = 3_000)
  void everyDatagramIsDeliveredDroppedOrAnsweredAndOnlyIpv4OrArpFromAPeerReachesTheHost(
      @ForAll("batches") List<FakeUdp.Datagram> batch) {
    FakeTap tap = new FakeTap();
    FakeUdp udp = new FakeUdp();
    Forwarder forwarder = new Forwarder(tap, OWN_MAC, udp, CONFIG, e -> {}, (peer, state, up) -> {});
    try {
      forwarder.probe(); // a probe out, so that answers in the batch count
      udp.incoming.addAll(batch);
      while (!udp.incoming.isEmpty()) {
        forwarder.onDatagramsReadable();
      }
      Stats stats = forwarder.stats();
      long dropped = stats.drops().values().stream().mapToLong(Long::longValue).sum();
      long answers = stats.vpgPeers().stream().mapToLong(Stats.VpgPeerStats::probeReplies).sum();
      assertThat(tap.written.size() + dropped + answers).isEqualTo(batch.size());
      for (byte[] written : tap.written) {
        ByteBuffer frame = ByteBuffer.wrap(written, VirtioNetHeader.LENGTH, written.length - VirtioNetHeader.LENGTH);
        int etherType = frame.getShort(VirtioNetHeader.LENGTH + 12) & 0xFFFF;
        long source = ((frame.getShort(VirtioNetHeader.LENGTH + 6) & 0xFFFFL) << 32)
            | (frame.getInt(VirtioNetHeader.LENGTH + 8) & 0xFFFF_FFFFL);
        assertThat(etherType).isIn(0x0800, 0x0806);
        assertThat(MacAddress.isGroup(source)).isFalse();
        assertThat(source).isNotEqualTo(OWN_MAC);
      }
    } finally {
      forwarder.close();
    }
  }

  @Provide
  Arbitrary<List<FakeUdp.Datagram>> batches() {
    Arbitrary<Ipv4> source = Arbitraries.of(VPG1, VPG2, STRANGER);
    return Combinators.combine(source, payloads()).as((peer, payload) -> new FakeUdp.Datagram(peer, 4789, payload))
        .list().ofMaxSize(80);
  }

  /** Mostly well-formed VXLAN (VNI 10, sometimes 11) around frames of interesting shapes, some raw bytes. */
  private Arbitrary<byte[]> payloads() {
    Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(120);
    Arbitrary<byte[]> vxlan = Combinators.combine(Arbitraries.of(10, 10, 10, 11), frames())
        .as((vni, frame) -> ByteBuffer.allocate(8 + frame.length).putInt(0x08 << 24).putInt(vni << 8).put(frame).array());
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, raw), net.jqwik.api.Tuple.of(4, vxlan));
  }

  private Arbitrary<byte[]> frames() {
    Arbitrary<Integer> etherType = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, Arbitraries.just(0x0800)),
        net.jqwik.api.Tuple.of(3, Arbitraries.just(0x0806)), net.jqwik.api.Tuple.of(1, Arbitraries.just(0x86dd)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(0x8100)), net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 0xFFFF)));
    Arbitrary<Long> source = Arbitraries.of(OWN_MAC, 0x0200_0000_0a01L, 0x0100_5e00_0001L, 0xFFFF_FFFF_FFFFL);
    Arbitrary<byte[]> answer = Arbitraries.of(
        TestFrames.arp(2, OWN_MAC, 0x0200_0000_0a01L, PROBED.bits(), OWN_MAC, INNER.bits()),
        TestFrames.arp(2, OWN_MAC, 0x0200_0000_0a01L, PROBED.bits(), 0x0200_0000_0bbbL, INNER.bits()),
        TestFrames.arp(1, 0xFFFF_FFFF_FFFFL, 0x0200_0000_0a01L, PROBED.bits(), 0, INNER.bits()));
    Arbitrary<byte[]> shaped = Combinators.combine(source, etherType, Arbitraries.bytes().array(byte[].class).ofMaxSize(60))
        .as((mac, type, rest) -> {
          ByteBuffer frame = ByteBuffer.allocate(14 + rest.length);
          frame.putShort((short) (OWN_MAC >>> 32)).putInt((int) OWN_MAC);
          frame.putShort((short) (mac >>> 32)).putInt((int) (long) mac).putShort((short) (int) type).put(rest);
          return frame.array();
        });
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(4, shaped), net.jqwik.api.Tuple.of(1, answer),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(13)));
  }
}
