package dev.simgate.operator.soracom;

import java.net.URI;
import java.util.Locale;

/**
 * The SORACOM coverage a VPG lives in. The two coverages are separate systems with their own API endpoint
 * (reference soracom-api.md §1), so the coverage alone selects the base URL.
 */
public enum Coverage {
  JAPAN(URI.create("https://api.soracom.io/v1")),
  GLOBAL(URI.create("https://g.api.soracom.io/v1"));

  private final URI baseUri;

  Coverage(URI baseUri) {
    this.baseUri = baseUri;
  }

  public URI baseUri() {
    return baseUri;
  }

  /** Accepts the names users write: {@code Japan}/{@code jp} and {@code Global}/{@code g}, in any case. */
  public static Coverage parse(String text) {
    return switch (text == null ? "" : text.trim().toLowerCase(Locale.ROOT)) {
      case "japan", "jp" -> JAPAN;
      case "global", "g" -> GLOBAL;
      default -> throw new IllegalArgumentException("unknown SORACOM coverage '" + text + "' (Japan or Global)");
    };
  }
}
