package dev.simgate.agent.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.agent.packet.MacAddress;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MacTableTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long A = MacAddress.parse("02:00:00:00:00:0a");
  private static final long B = MacAddress.parse("02:00:00:00:00:0b");

  @Test
  void learnsAndUpdatesTheLatestPeer() {
    var table = new MacTable(16, 300 * SECOND);
    assertThat(table.lookup(A, 0)).isEqualTo(MacTable.NO_PEER);
    table.learn(A, 0, 0);
    table.learn(B, 1, 0);
    assertThat(table.lookup(A, SECOND)).isEqualTo(0);
    assertThat(table.lookup(B, SECOND)).isEqualTo(1);
    table.learn(A, 1, 2 * SECOND); // the MAC moved to the other VPG peer
    assertThat(table.lookup(A, 2 * SECOND)).isEqualTo(1);
    assertThat(table.size()).isEqualTo(2);
  }

  @Test
  void entriesExpireAfterTheAgeingTimeUnlessRefreshed() {
    var table = new MacTable(16, 300 * SECOND);
    table.learn(A, 0, 0);
    table.learn(B, 0, 0);
    table.learn(B, 0, 200 * SECOND);
    assertThat(table.lookup(A, 300 * SECOND)).isEqualTo(0);
    assertThat(table.lookup(A, 301 * SECOND)).isEqualTo(MacTable.NO_PEER);
    assertThat(table.lookup(B, 301 * SECOND)).isEqualTo(0);
    table.sweep(501 * SECOND);
    assertThat(table.size()).isZero();
  }

  @Test
  void flushingAPeerForgetsOnlyItsEntries() {
    var table = new MacTable(16, 300 * SECOND);
    table.learn(A, 0, 0);
    table.learn(B, 1, 0);
    table.flushPeer(0);
    assertThat(table.lookup(A, 0)).isEqualTo(MacTable.NO_PEER);
    assertThat(table.lookup(B, 0)).isEqualTo(1);
  }

  @Test
  void remappingFollowsPeerListChanges() {
    var table = new MacTable(16, 300 * SECOND);
    table.learn(A, 0, 0);
    table.learn(B, 1, 0);
    // Peer 0 removed, peer 1 is now at index 0.
    table.remapPeers(new int[] {MacTable.NO_PEER, 0});
    assertThat(table.lookup(A, 0)).isEqualTo(MacTable.NO_PEER);
    assertThat(table.lookup(B, 0)).isEqualTo(0);
  }

  @Test
  void aFullTableMakesRoomForANewMacByEvictingAnExpiredOrUnusedOne() {
    var table = new MacTable(4, 10 * SECOND);
    for (int i = 1; i <= 4; i++) {
      table.learn(i, 0, 0);
    }
    table.lookup(1, SECOND); // 1 and 2 carry traffic
    table.learn(2, 0, SECOND);
    table.learn(5, 1, 2 * SECOND);
    assertThat(table.size()).isEqualTo(4);
    assertThat(table.lookup(5, 2 * SECOND)).isEqualTo(1);
    assertThat(table.lookup(1, 2 * SECOND)).isEqualTo(0);
    assertThat(table.lookup(2, 2 * SECOND)).isEqualTo(0);
    assertThat(table.lookup(3, 2 * SECOND) == MacTable.NO_PEER || table.lookup(4, 2 * SECOND) == MacTable.NO_PEER)
        .as("an unused entry made room").isTrue();

    table.learn(6, 1, 13 * SECOND); // everything else expired: any of it may go, used or not
    assertThat(table.lookup(6, 13 * SECOND)).isEqualTo(1);
  }

  @Test
  void aFloodOfNewMacsCostsBoundedStepsEachAndSparesTheMacsThatCarryTraffic() {
    var table = new MacTable(16_384, 300 * SECOND);
    long[] inUse = new long[200];
    for (int i = 0; i < inUse.length; i++) {
      inUse[i] = 0x02_00_00_00_00_00L + i;
      table.learn(inUse[i], i % 2, 0);
    }
    var random = new Random(7);
    int flood = 200_000;
    for (int i = 0; i < flood; i++) {
      long now = i * 1_000L; // 1 µs apart: nothing expires
      table.learn(0x06_00_00_00_00_00L | (random.nextLong() & 0xFF_FFFF_FFFFL), 0, now);
      if (i % 1_000 == 0) {
        for (long mac : inUse) {
          table.lookup(mac, now); // the SIMs keep talking
        }
      }
    }
    assertThat(table.size()).isEqualTo(16_384);
    assertThat(table.evictions()).as("the flood made its own room").isGreaterThan(flood - 16_384 - 1_000);
    assertThat(table.evictionSteps()).as("slots looked at for %s insertions into a full table (a sweep of every"
        + " slot per insertion would be %s)", flood, flood * 32_768L).isLessThanOrEqualTo(flood * MacTable.EVICTION_STEPS);
    for (int i = 0; i < inUse.length; i++) {
      assertThat(table.lookup(inUse[i], flood * 1_000L)).as("MAC in use %s kept", i).isEqualTo(i % 2);
    }
  }

  @Test
  void behavesLikeAMapUnderRandomLearnExpireSweepAndFlush() {
    var random = new Random(42);
    var table = new MacTable(1024, 50);
    Map<Long, long[]> model = new HashMap<>(); // mac -> {peer, lastSeen}
    for (long tick = 0; tick < 50_000; tick++) {
      long now = tick;
      long mac = 1 + random.nextInt(600);
      switch (random.nextInt(20)) {
        case 0 -> {
          int peer = random.nextInt(3);
          table.flushPeer(peer);
          model.values().removeIf(e -> e[0] == peer);
        }
        case 1 -> {
          table.sweep(now);
          model.values().removeIf(e -> now - e[1] > 50);
        }
        case 2, 3, 4, 5, 6, 7, 8 -> {
          int peer = random.nextInt(3);
          table.learn(mac, peer, now);
          model.put(mac, new long[] {peer, now});
        }
        default -> {
          long[] expected = model.get(mac);
          int actual = table.lookup(mac, now);
          if (expected == null || now - expected[1] > 50) {
            assertThat(actual).as("mac %d at %d", mac, now).isEqualTo(MacTable.NO_PEER);
            model.remove(mac);
          } else {
            assertThat(actual).as("mac %d at %d", mac, now).isEqualTo((int) expected[0]);
          }
        }
      }
      assertThat(table.size()).isEqualTo(model.size());
    }
  }

  @Test
  void readsMacsFromFramesAndRecognisesGroupAddresses() {
    byte[] frame = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
    var segment = MemorySegment.ofArray(frame);
    assertThat(MacAddress.isGroup(MacAddress.read(segment, 0))).isTrue();
    assertThat(MacAddress.read(segment, 6)).isEqualTo(A);
    assertThat(MacAddress.isGroup(A)).isFalse();
    assertThat(MacAddress.isGroup(MacAddress.parse("01:00:5e:00:00:01"))).isTrue();
    assertThat(MacAddress.format(A)).isEqualTo("02:00:00:00:00:0a");
  }
}
