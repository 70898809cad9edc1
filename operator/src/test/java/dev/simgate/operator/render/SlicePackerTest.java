package dev.simgate.operator.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.render.SlicePacker.Endpoint;

class SlicePackerTest {
  private static final int CAPACITY = SlicePacker.MAX_CAPACITY;

  static Endpoint device(int n) {
    return new Endpoint("dev-%06d".formatted(n), "10.%d.%d.%d".formatted(128 + n / 65536, (n / 256) % 256, n % 256), true);
  }

  static List<Endpoint> devices(int from, int to) {
    List<Endpoint> devices = new ArrayList<>();
    for (int n = from; n < to; n++) {
      devices.add(device(n));
    }
    return devices;
  }

  /** What the API holds after the packing was applied: hostnames by slice number. */
  static Map<Integer, List<String>> stored(SortedMap<Integer, List<Endpoint>> slices) {
    Map<Integer, List<String>> stored = new TreeMap<>();
    slices.forEach((n, endpoints) -> stored.put(n, endpoints.stream().map(Endpoint::hostname).toList()));
    return stored;
  }

  /** Slices whose content differs (written) or that are gone (deleted). */
  static Set<Integer> writes(SortedMap<Integer, List<Endpoint>> before, SortedMap<Integer, List<Endpoint>> after) {
    Set<Integer> writes = new HashSet<>();
    before.keySet().forEach(n -> {
      if (!before.get(n).equals(after.get(n))) {
        writes.add(n);
      }
    });
    after.keySet().forEach(n -> {
      if (!after.get(n).equals(before.get(n))) {
        writes.add(n);
      }
    });
    return writes;
  }

  @Test
  void nothingToPublishIsNoSlice() {
    assertThat(SlicePacker.pack(List.of(), Map.of(), CAPACITY)).isEmpty();
    assertThat(SlicePacker.pack(List.of(), Map.of(0, List.of("gone")), CAPACITY)).isEmpty();
  }

  @Test
  void freshDevicesFillSlicesToTheLimitInNameOrder() {
    var slices = SlicePacker.pack(devices(0, 2500), Map.of(), CAPACITY);
    assertThat(slices.keySet()).containsExactly(0, 1, 2);
    assertThat(slices.values()).extracting(List::size).containsExactly(1000, 1000, 500);
    assertThat(slices.get(0).getFirst()).isEqualTo(device(0));
    assertThat(slices.get(2).getLast()).isEqualTo(device(2499));
  }

  @Test
  void packingWhatWasPackedChangesNothing() {
    var first = SlicePacker.pack(devices(0, 2500), Map.of(), CAPACITY);
    assertThat(SlicePacker.pack(devices(0, 2500), stored(first), CAPACITY)).isEqualTo(first);
  }

  @Test
  void oneDeviceAddedChangesOneSlice() {
    var before = SlicePacker.pack(devices(0, 2500), Map.of(), CAPACITY);
    List<Endpoint> more = devices(0, 2500);
    more.add(new Endpoint("aaa-new", "10.200.0.1", true)); // sorts before every other name
    var after = SlicePacker.pack(more, stored(before), CAPACITY);
    assertThat(writes(before, after)).containsExactly(2); // the slice with room, not the first one by name
    assertThat(after.get(2)).contains(new Endpoint("aaa-new", "10.200.0.1", true));
  }

  @Test
  void oneDeviceRemovedOrChangedChangesOnlyItsSlice() {
    var before = SlicePacker.pack(devices(0, 2500), Map.of(), CAPACITY);
    List<Endpoint> fewer = devices(0, 2500);
    fewer.remove(1500);
    assertThat(writes(before, SlicePacker.pack(fewer, stored(before), CAPACITY))).containsExactly(1);

    List<Endpoint> moved = devices(0, 2500);
    moved.set(10, new Endpoint(device(10).hostname(), "10.250.0.10", false));
    var after = SlicePacker.pack(moved, stored(before), CAPACITY);
    assertThat(writes(before, after)).containsExactly(0);
    assertThat(after.get(0)).contains(new Endpoint(device(10).hostname(), "10.250.0.10", false));
  }

  @Test
  void aDeviceAddedWhereASliceChangesAnywayCostsNoOtherWrite() {
    var before = SlicePacker.pack(devices(0, 2500), Map.of(), CAPACITY);
    List<Endpoint> next = devices(0, 2500);
    next.remove(0); // slice 0 changes: the new device goes there, not into slice 2
    next.add(device(9999));
    var after = SlicePacker.pack(next, stored(before), CAPACITY);
    assertThat(writes(before, after)).containsExactly(0);
  }

  @Test
  void slicesAreRepackedWhenTheDevicesFitInFewer() {
    var before = SlicePacker.pack(devices(0, 3000), Map.of(), CAPACITY);
    // Remove 1100 devices, most of them from slice 1: 1900 devices fit in two slices.
    List<Endpoint> left = new ArrayList<>(devices(0, 3000));
    left.removeIf(d -> {
      int n = Integer.parseInt(d.hostname().substring(4));
      return (n >= 1000 && n < 1900) || (n >= 2000 && n < 2200);
    });
    var after = SlicePacker.pack(left, stored(before), CAPACITY);
    assertThat(after.keySet()).as("the emptiest slice (1, 100 left) dissolved").containsExactly(0, 2);
    assertThat(after.get(0)).hasSize(1000).isEqualTo(before.get(0)); // untouched
    assertThat(after.get(2)).hasSize(900);
    assertThat(after.get(2)).containsAll(devices(1900, 2000)).containsAll(devices(2200, 3000));
    assertEveryDeviceOnce(left, after);
  }

  @Test
  void aDeviceListedInTwoSlicesIsKeptOnce() {
    Map<Integer, List<String>> current = Map.of(0, List.of("dev-000001", "dev-000002"), 1, List.of("dev-000002"));
    var after = SlicePacker.pack(devices(1, 3), current, CAPACITY);
    assertThat(stored(after)).isEqualTo(Map.of(0, List.of("dev-000001", "dev-000002")));
  }

  @Test
  void aLowerCapacitySplitsOverfullSlices() {
    var before = SlicePacker.pack(devices(0, 1000), Map.of(), CAPACITY);
    var after = SlicePacker.pack(devices(0, 1000), stored(before), 100);
    assertThat(after).hasSize(10).allSatisfy((n, slice) -> assertThat(slice).hasSize(100));
    assertThat(after.get(0)).isEqualTo(before.get(0).subList(0, 100));
    assertEveryDeviceOnce(devices(0, 1000), after);
  }

  @Test
  void capacityIsBoundedByTheApiServersLimit() {
    assertThatThrownBy(() -> SlicePacker.pack(List.of(), Map.of(), 1001)).hasMessageContaining("1..1000");
    assertThatThrownBy(() -> SlicePacker.pack(List.of(), Map.of(), 0)).hasMessageContaining("1..1000");
  }

  /**
   * Random adds, removes and changes: every device in exactly one slice, none over capacity, the fewest slices, and
   * unless a slice was dissolved no more slices written than devices changed.
   */
  @Test
  void anySequenceOfChangesKeepsEveryDeviceOnceWithinCapacity() {
    Random random = new Random(13);
    Map<String, Endpoint> devices = new LinkedHashMap<>();
    devices(0, 1500).forEach(d -> devices.put(d.hostname(), d));
    int capacity = 100;
    SortedMap<Integer, List<Endpoint>> slices = SlicePacker.pack(devices.values(), Map.of(), capacity);
    int nextId = 1500;
    for (int round = 0; round < 300; round++) {
      List<String> names = new ArrayList<>(devices.keySet());
      int changes = 1 + random.nextInt(50);
      for (int c = 0; c < changes; c++) {
        switch (random.nextInt(3)) {
          case 0 -> {
            Endpoint d = device(nextId++);
            devices.put(d.hostname(), d);
          }
          case 1 -> {
            if (!names.isEmpty()) {
              devices.remove(names.get(random.nextInt(names.size())));
            }
          }
          default -> {
            if (!names.isEmpty()) {
              String name = names.get(random.nextInt(names.size()));
              devices.computeIfPresent(name, (k, d) -> new Endpoint(k, d.address(), !d.ready()));
            }
          }
        }
      }
      var next = SlicePacker.pack(devices.values(), stored(slices), capacity);
      assertEveryDeviceOnce(List.copyOf(devices.values()), next);
      assertThat(next.values()).allSatisfy(slice -> assertThat(slice).hasSizeLessThanOrEqualTo(100).isNotEmpty());
      assertThat(next).hasSize(Math.ceilDiv(devices.size(), capacity));
      if (next.size() >= slices.size()) {
        // No slice dissolved: each change wrote at most one slice.
        assertThat(writes(slices, next).size()).as("slices written for %d changes", changes)
            .isLessThanOrEqualTo(changes);
      }
      slices = next;
    }
  }

  static void assertEveryDeviceOnce(List<Endpoint> devices, SortedMap<Integer, List<Endpoint>> slices) {
    Map<String, Endpoint> seen = new HashMap<>();
    slices.values().forEach(slice -> slice.forEach(e -> assertThat(seen.put(e.hostname(), e)).as(e.hostname()).isNull()));
    Map<String, Endpoint> expected = new HashMap<>();
    devices.forEach(d -> expected.put(d.hostname(), d));
    assertThat(seen).isEqualTo(expected);
  }
}
