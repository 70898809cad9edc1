package dev.simgate.operator.ipam;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;

class InnerAddressAllocatorTest {
  private static final Cidr POOL = Cidr.parse("10.255.255.0/29"); // hosts .1 to .6

  @Test
  void newNodesGetDistinctLowestFreeAddressesInNameOrder() {
    var a = InnerAddressAllocator.allocate(POOL, Set.of("node-b", "node-a"), Map.of(), Set.of());
    assertThat(a.assigned()).containsExactly(Map.entry("node-a", "10.255.255.1"), Map.entry("node-b", "10.255.255.2"));
    assertThat(a.exhausted()).isFalse();
  }

  @Test
  void recordedAddressesAreKeptWhateverTheOrder() {
    var a = InnerAddressAllocator.allocate(POOL, Set.of("a", "b", "c"),
        Map.of("c", "10.255.255.1", "a", "10.255.255.5"), Set.of());
    assertThat(a.assigned()).containsEntry("a", "10.255.255.5").containsEntry("c", "10.255.255.1")
        .containsEntry("b", "10.255.255.2");
  }

  @Test
  void departedNodesFreeTheirAddressForTheNextNode() {
    var first = InnerAddressAllocator.allocate(POOL, Set.of("a", "b"), Map.of(), Set.of());
    var second = InnerAddressAllocator.allocate(POOL, Set.of("b", "c"), first.assigned(), Set.of());
    assertThat(second.assigned()).containsEntry("b", first.assigned().get("b"))
        .containsEntry("c", first.assigned().get("a"));
  }

  @Test
  void reservedAddressesOfOtherGatePeersAreNeverHandedOut() {
    var a = InnerAddressAllocator.allocate(POOL, Set.of("a", "b"), Map.of("a", "10.255.255.1"), Set.of("10.255.255.1", "10.255.255.2"));
    assertThat(a.assigned().values()).doesNotContain("10.255.255.1", "10.255.255.2").doesNotHaveDuplicates();
    assertThat(a.assigned()).containsEntry("a", "10.255.255.3").containsEntry("b", "10.255.255.4");
  }

  @Test
  void unusableRecordedAddressesAreReplaced() {
    var a = InnerAddressAllocator.allocate(POOL, Set.of("a", "b", "c", "d"),
        Map.of("a", "10.255.255.0", "b", "10.255.255.7", "c", "10.9.9.9", "d", "garbage"), Set.of());
    assertThat(a.assigned().values()).containsExactlyInAnyOrder("10.255.255.1", "10.255.255.2", "10.255.255.3", "10.255.255.4");
  }

  @Test
  void duplicateRecordsKeepTheFirstNodeAndMoveTheOther() {
    var a = InnerAddressAllocator.allocate(POOL, Set.of("a", "b"), Map.of("a", "10.255.255.4", "b", "10.255.255.4"), Set.of());
    assertThat(a.assigned()).containsEntry("a", "10.255.255.4").containsEntry("b", "10.255.255.1");
  }

  @Test
  void exhaustedPoolKeepsExistingAllocationsAndNamesTheRest() {
    Cidr pool = Cidr.parse("10.255.255.0/30"); // .1 and .2
    var a = InnerAddressAllocator.allocate(pool, Set.of("a", "b", "c"), Map.of("c", "10.255.255.2"), Set.of());
    assertThat(a.assigned()).containsEntry("c", "10.255.255.2").containsEntry("a", "10.255.255.1").hasSize(2);
    assertThat(a.unallocated()).containsExactly("b");
    assertThat(a.exhausted()).isTrue();
  }

  @Test
  void largeAllocationIsUniqueAndStable() {
    Cidr pool = Cidr.parse("10.128.0.0/20");
    Set<String> nodes = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      nodes.add("node-" + i);
    }
    var first = InnerAddressAllocator.allocate(pool, nodes, Map.of(), Set.of());
    assertThat(new HashSet<>(first.assigned().values())).hasSize(1000);
    var again = InnerAddressAllocator.allocate(pool, nodes, first.assigned(), Set.of());
    assertThat(again.assigned()).isEqualTo(first.assigned());
  }
}
