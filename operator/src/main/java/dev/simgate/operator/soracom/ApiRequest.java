package dev.simgate.operator.soracom;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;

/**
 * One API operation to send: its operationId (for logs, errors and metrics), method, encoded path, query and JSON body.
 * Its toString shows no body, since an {@code auth} body holds the credentials.
 */
record ApiRequest(String operation, String method, String path, Map<String, String> query, byte[] body, boolean authenticated) {
  ApiRequest {
    query = Map.copyOf(query);
  }

  static ApiRequest get(String operation, String path, Map<String, String> query) {
    return new ApiRequest(operation, "GET", path, query, null, true);
  }

  static ApiRequest get(String operation, String path) {
    return get(operation, path, Map.of());
  }

  static ApiRequest delete(String operation, String path) {
    return new ApiRequest(operation, "DELETE", path, Map.of(), null, true);
  }

  static ApiRequest post(String operation, String path, Object body) {
    return new ApiRequest(operation, "POST", path, Map.of(), json(body), true);
  }

  /** {@code auth} is the one operation sent without the API key and token headers. */
  static ApiRequest unauthenticatedPost(String operation, String path, Object body) {
    return new ApiRequest(operation, "POST", path, Map.of(), json(body), false);
  }

  /** Path and query, relative to the base URL; query parameters in a stable order for readable logs. */
  String pathAndQuery() {
    if (query.isEmpty()) {
      return path;
    }
    StringJoiner q = new StringJoiner("&", path + "?", "");
    new TreeMap<>(query).forEach((k, v) -> q.add(encodeQuery(k) + "=" + encodeQuery(v)));
    return q.toString();
  }

  /** Builds a path from segments, percent-encoding each as the CLI does ({@code url.PathEscape}). */
  static String path(String... segments) {
    StringBuilder s = new StringBuilder();
    for (String segment : segments) {
      if (segment == null || segment.isEmpty()) {
        throw new IllegalArgumentException("empty path segment");
      }
      s.append('/').append(encodeSegment(segment));
    }
    return s.toString();
  }

  private static String encodeSegment(String segment) {
    StringBuilder out = new StringBuilder();
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  private static String encodeQuery(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static byte[] json(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + body.getClass().getSimpleName(), e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }

  @Override
  public String toString() {
    return operation + " " + method + " " + pathAndQuery();
  }
}
