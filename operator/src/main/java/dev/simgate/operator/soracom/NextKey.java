package dev.simgate.operator.soracom;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cursor of the next page (reference §3): the {@code x-soracom-next-key} header verbatim, or, from APIs that send
 * only the other header, the {@code last_evaluated_key} of {@code link: <...>; rel=next}. Null on the last page.
 */
final class NextKey {
  private static final Pattern LINK_NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
  private static final Pattern KEY = Pattern.compile("[?&]last_evaluated_key=([^&]*)");

  private NextKey() {}

  static String of(ApiResponse response) {
    String header = response.header("x-soracom-next-key").orElse("");
    if (!header.isEmpty()) {
      return header;
    }
    Matcher link = LINK_NEXT.matcher(response.header("link").orElse(""));
    if (link.find()) {
      Matcher key = KEY.matcher(link.group(1));
      if (key.find() && !key.group(1).isEmpty()) {
        return URLDecoder.decode(key.group(1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
