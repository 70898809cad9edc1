package dev.simgate.operator.soracom;

import java.util.List;
import java.util.Optional;

/**
 * One page of a paginated list (reference §3).
 *
 * @param nextKey the {@code x-soracom-next-key} header verbatim: pass it back as {@code last_evaluated_key}; null on the last page
 */
public record Page<T>(List<T> items, String nextKey) {
  public Page {
    items = List.copyOf(items);
    nextKey = nextKey == null || nextKey.isEmpty() ? null : nextKey;
  }

  public Optional<String> next() {
    return Optional.ofNullable(nextKey);
  }
}
