package dev.simgate.operator.soracom.link;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Go durations as the CRDs accept them ({@code 90s}, {@code 5m}, {@code 1h30m}; units ms, s, m, h). */
public final class Durations {
  private static final Pattern WHOLE = Pattern.compile("([0-9]+(ms|s|m|h))+");
  private static final Pattern PART = Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {}

  /** The duration, or {@code fallback} when the text is null or not a duration (the CRD rejects those). */
  public static Duration parse(String text, Duration fallback) {
    if (text == null || !WHOLE.matcher(text).matches()) {
      return fallback;
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return total;
  }
}
