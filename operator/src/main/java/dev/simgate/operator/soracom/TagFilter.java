package dev.simgate.operator.soracom;

import java.util.Objects;

/** Selects subscribers by one tag ({@code tag_name}, {@code tag_value}, {@code tag_value_match_mode}; reference §6.13 b). */
public record TagFilter(String name, String value, MatchMode mode) {
  public enum MatchMode {
    EXACT("exact"),
    PREFIX("prefix");

    final String wire;

    MatchMode(String wire) {
      this.wire = wire;
    }
  }

  public TagFilter {
    Objects.requireNonNull(mode, "mode");
    if (name == null || name.isEmpty() || value == null) {
      throw new IllegalArgumentException("a tag filter needs a tag name and a value");
    }
  }

  public static TagFilter exact(String name, String value) {
    return new TagFilter(name, value, MatchMode.EXACT);
  }
}
