package dev.simgate.install;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Multi-document YAML as Jackson trees: what helm renders, what kubectl applies. */
final class Manifests {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Manifests() {}

  static List<JsonNode> parse(String yaml) {
    try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(yaml)) {
      List<JsonNode> objects = new ArrayList<>();
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          objects.add(doc);
        }
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException("not valid YAML:\n" + yaml, e);
    }
  }

  static List<JsonNode> parse(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> kinds(List<JsonNode> objects) {
    return objects.stream().map(o -> o.path("kind").asText()).toList();
  }

  static List<JsonNode> ofKind(List<JsonNode> objects, String kind) {
    return objects.stream().filter(o -> kind.equals(o.path("kind").asText())).toList();
  }

  static JsonNode single(List<JsonNode> objects, String kind) {
    List<JsonNode> found = ofKind(objects, kind);
    if (found.size() != 1) {
      throw new AssertionError("expected exactly one " + kind + ", found " + found.size() + " in " + kinds(objects));
    }
    return found.getFirst();
  }

  /** The value of env var {@code name} of the first container, if set as a plain value. */
  static Optional<String> env(JsonNode deployment, String name) {
    for (JsonNode env : deployment.at("/spec/template/spec/containers/0/env")) {
      if (name.equals(env.path("name").asText()) && env.has("value")) {
        return Optional.of(env.get("value").asText());
      }
    }
    return Optional.empty();
  }
}
