package dev.simgate.install;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A JSON tree written as a Lua table constructor: the bridge that hands a Kubernetes object to a Lua script the way
 * Argo CD does (objects become tables with string keys, arrays become sequences, JSON null becomes absent).
 */
final class LuaLiteral {

  private LuaLiteral() {}

  static String of(JsonNode node) {
    StringBuilder lua = new StringBuilder();
    write(node, lua);
    return lua.toString();
  }

  private static void write(JsonNode node, StringBuilder lua) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        lua.append('{');
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          if (field.getValue().isNull()) {
            continue;
          }
          lua.append('[');
          string(field.getKey(), lua);
          lua.append("]=");
          write(field.getValue(), lua);
          lua.append(',');
        }
        lua.append('}');
      }
      case ARRAY -> {
        lua.append('{');
        for (JsonNode item : node) {
          write(item, lua);
          lua.append(',');
        }
        lua.append('}');
      }
      case STRING -> string(node.asText(), lua);
      case NUMBER -> lua.append(node.isIntegralNumber() ? node.asText() : Double.toString(node.asDouble()));
      case BOOLEAN -> lua.append(node.asBoolean());
      case NULL, MISSING -> lua.append("nil");
      default -> throw new IllegalArgumentException("no Lua form for " + node.getNodeType());
    }
  }

  /** A quoted Lua string: printable ASCII as is, every other byte as a decimal escape (valid in Lua 5.1 to 5.4). */
  private static void string(String s, StringBuilder lua) {
    lua.append('"');
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c == '"' || c == '\\') {
        lua.append('\\').append((char) c);
      } else if (c >= 0x20 && c < 0x7f) {
        lua.append((char) c);
      } else {
        lua.append(String.format("\\%03d", c));
      }
    }
    lua.append('"');
  }
}
