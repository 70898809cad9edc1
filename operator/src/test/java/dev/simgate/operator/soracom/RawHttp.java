package dev.simgate.operator.soracom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Plain HTTP against the mock, without the client under test, so that the mock's own tests judge what is on the wire.
 */
final class RawHttp implements AutoCloseable {
  record Answer(int status, Map<String, String> headers, String body) {
    JsonNode json() {
      try {
        return body.isEmpty() ? MissingNode.getInstance() : new ObjectMapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final URI base;
  private String apiKey;
  private String token;

  RawHttp(URI base) {
    this.base = base;
  }

  /** Authenticates and keeps the pair for {@link #get}, {@link #post}, {@link #delete}. */
  RawHttp login(String keyId, String key) {
    Answer a = send("POST", "/auth", Map.of("Content-Type", "application/json"),
        "{\"authKeyId\":\"" + keyId + "\",\"authKey\":\"" + key + "\"}");
    if (a.status() != 200) {
      throw new IllegalStateException("login failed: " + a.status());
    }
    apiKey = a.json().get("apiKey").asText();
    token = a.json().get("token").asText();
    return this;
  }

  String apiKey() {
    return apiKey;
  }

  String token() {
    return token;
  }

  Answer get(String pathAndQuery) {
    return send("GET", pathAndQuery, authHeaders(), null);
  }

  Answer post(String path, String json) {
    Map<String, String> headers = authHeaders();
    if (json != null) {
      headers.put("Content-Type", "application/json");
    }
    return send("POST", path, headers, json);
  }

  Answer delete(String path) {
    return send("DELETE", path, authHeaders(), null);
  }

  Answer send(String method, String pathAndQuery, Map<String, String> headers, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10));
    headers.forEach(b::header);
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      Map<String, String> h = new LinkedHashMap<>();
      r.headers().map().forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
      return new Answer(r.statusCode(), h, r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  Map<String, String> authHeaders() {
    Map<String, String> h = new LinkedHashMap<>();
    if (apiKey != null) {
      h.put("X-Soracom-API-Key", apiKey);
      h.put("X-Soracom-Token", token);
    }
    return h;
  }

  @Override
  public void close() {
    http.close();
  }
}
