package dev.simgate.agent.vxlan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.vxlan.VxlanHeader.Verdict;
import java.lang.foreign.MemorySegment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Property-based fuzzing of the decoder: arbitrary bytes never make it throw or accept something
 * that is not a VXLAN datagram with the expected VNI. Bounded by try count, so CI time is fixed.
 */
class VxlanHeaderFuzzTest {

  @Property(tries = 20_000)
  void arbitraryBytesAreJudgedWithoutExceptions(@ForAll("datagrams") byte[] bytes,
      @ForAll @IntRange(min = 1, max = VxlanHeader.MAX_VNI) int vni) {
    Verdict verdict = VxlanHeader.check(MemorySegment.ofArray(bytes), 0, bytes.length, vni);
    if (verdict == Verdict.VALID) {
      assertThat(bytes.length).isGreaterThanOrEqualTo(VxlanHeader.LENGTH + VxlanHeader.MIN_INNER_FRAME);
      assertThat(bytes[0] & 0x08).isNotZero();
      assertThat(VxlanHeader.vni(MemorySegment.ofArray(bytes), 0)).isEqualTo(vni);
    }
  }

  @Property(tries = 5_000)
  void aWrittenHeaderIsAcceptedOnlyWithItsOwnVni(@ForAll("datagrams") byte[] bytes,
      @ForAll @IntRange(min = 1, max = VxlanHeader.MAX_VNI) int vni,
      @ForAll @IntRange(min = 1, max = VxlanHeader.MAX_VNI) int other) {
    var segment = MemorySegment.ofArray(bytes);
    if (bytes.length < VxlanHeader.LENGTH) {
      return;
    }
    VxlanHeader.write(segment, 0, vni);
    boolean longEnough = bytes.length >= VxlanHeader.LENGTH + VxlanHeader.MIN_INNER_FRAME;
    assertThat(VxlanHeader.check(segment, 0, bytes.length, vni))
        .isEqualTo(longEnough ? Verdict.VALID : Verdict.TRUNCATED);
    if (longEnough && other != vni) {
      assertThat(VxlanHeader.check(segment, 0, bytes.length, other)).isEqualTo(Verdict.WRONG_VNI);
    }
  }

  @Provide
  Arbitrary<byte[]> datagrams() {
    // Mostly short inputs (where the edge cases are), some up to a jumbo frame.
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.bytes().array(byte[].class).ofMaxSize(40)),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(9_100)));
  }
}
