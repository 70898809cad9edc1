package dev.simgate.operator.soracom;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The secret values this client holds (credentials and the latest keys and tokens), so that text from the API can be
 * cleaned before it goes into an exception: an error message echoing a token must not carry it into status or logs.
 */
final class Secrets {
  private static final int RECENT = 8;
  private final List<String> fixed;
  private final Deque<String> recent = new ArrayDeque<>();

  Secrets(SoracomCredentials credentials) {
    this.fixed = List.of(credentials.authKeyId(), credentials.authKey());
  }

  synchronized void remember(String value) {
    if (value == null || value.isEmpty() || recent.contains(value)) {
      return;
    }
    recent.addFirst(value);
    while (recent.size() > RECENT) {
      recent.removeLast();
    }
  }

  synchronized String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = text;
    for (String secret : fixed) {
      out = out.replace(secret, "[redacted]");
    }
    for (String secret : recent) {
      out = out.replace(secret, "[redacted]");
    }
    return out;
  }
}
