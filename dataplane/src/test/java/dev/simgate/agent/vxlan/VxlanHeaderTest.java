package dev.simgate.agent.vxlan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.vxlan.VxlanHeader.Verdict;
import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VxlanHeaderTest {
  private static final int FRAME = 14;

  private static MemorySegment datagram(String headerHex, int frameBytes) {
    byte[] header = HexFormat.of().parseHex(headerHex);
    byte[] bytes = new byte[header.length + frameBytes];
    System.arraycopy(header, 0, bytes, 0, header.length);
    return MemorySegment.ofArray(bytes);
  }

  @Test
  void writesTheRfc7348HeaderWithTheIFlagAndVni() {
    byte[] bytes = new byte[12];
    VxlanHeader.write(MemorySegment.ofArray(bytes), 2, 10);
    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("0000" + "08000000" + "00000a00" + "0000");

    VxlanHeader.write(MemorySegment.ofArray(bytes), 0, VxlanHeader.MAX_VNI);
    assertThat(HexFormat.of().formatHex(bytes, 0, 8)).isEqualTo("08000000ffffff00");
  }

  @Test
  void acceptsAWellFormedDatagramWithTheExpectedVni() {
    var datagram = datagram("0800000000000a00", FRAME);
    assertThat(VxlanHeader.check(datagram, 0, 8 + FRAME, 10)).isEqualTo(Verdict.VALID);
    assertThat(VxlanHeader.vni(datagram, 0)).isEqualTo(10);
  }

  @Test
  void ignoresReservedBitsAsTheRfcSays() {
    var datagram = datagram("ff12345600000aff", FRAME);
    assertThat(VxlanHeader.check(datagram, 0, 8 + FRAME, 10)).isEqualTo(Verdict.VALID);
  }

  @Test
  void rejectsTheWrongVni() {
    var datagram = datagram("0800000000000b00", FRAME);
    assertThat(VxlanHeader.check(datagram, 0, 8 + FRAME, 10)).isEqualTo(Verdict.WRONG_VNI);
  }

  @Test
  void rejectsAHeaderWithoutTheIFlag() {
    var datagram = datagram("0000000000000a00", FRAME);
    assertThat(VxlanHeader.check(datagram, 0, 8 + FRAME, 10)).isEqualTo(Verdict.I_FLAG_UNSET);
    var otherFlags = datagram("f700000000000a00", FRAME);
    assertThat(VxlanHeader.check(otherFlags, 0, 8 + FRAME, 10)).isEqualTo(Verdict.I_FLAG_UNSET);
  }

  @Test
  void rejectsTruncatedDatagramsWithoutReadingPastTheirLength() {
    assertThat(VxlanHeader.check(MemorySegment.ofArray(new byte[0]), 0, 0, 10)).isEqualTo(Verdict.TRUNCATED);
    assertThat(VxlanHeader.check(datagram("0800000000000a00", 0), 0, 8, 10)).isEqualTo(Verdict.TRUNCATED);
    // A header plus 13 bytes is one short of an Ethernet header.
    assertThat(VxlanHeader.check(datagram("0800000000000a00", 13), 0, 8 + 13, 10)).isEqualTo(Verdict.TRUNCATED);
  }

  @Test
  void roundTripsEveryVniWidth() {
    byte[] bytes = new byte[8 + FRAME];
    var segment = MemorySegment.ofArray(bytes);
    for (int vni : new int[] {1, 10, 255, 256, 65_535, 65_536, 0xAB_CDEF, VxlanHeader.MAX_VNI}) {
      VxlanHeader.write(segment, 0, vni);
      assertThat(VxlanHeader.check(segment, 0, bytes.length, vni)).isEqualTo(Verdict.VALID);
      assertThat(VxlanHeader.vni(segment, 0)).isEqualTo(vni);
    }
  }
}
