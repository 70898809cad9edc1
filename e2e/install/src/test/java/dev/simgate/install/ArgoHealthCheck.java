package dev.simgate.install;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/** Runs an Argo CD health script with Debian's lua5.4, with {@code obj} set to a Kubernetes object. */
final class ArgoHealthCheck {

  static final String LUA = "lua5.4";

  record Health(String status, String message) {}

  private final String script;

  ArgoHealthCheck(String script) {
    this.script = script;
  }

  Health assess(JsonNode object) {
    // Argo CD runs the script as a chunk with the global obj and reads the table it returns.
    String program = "obj = " + LuaLiteral.of(object) + "\n"
        + "local hs = (function()\n" + script + "\nend)()\n"
        + "io.write(tostring(hs.status), '\\n', tostring(hs.message), '\\n')\n";
    Command lua = Command.run(List.of(LUA, "-"), Map.of(), program);
    String[] lines = lua.requireSuccess().split("\n", -1);
    return new Health(lines[0], lines.length > 1 ? lines[1] : "");
  }
}
