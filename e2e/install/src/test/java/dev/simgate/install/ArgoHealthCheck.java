package dev.simgate.install;

import com.fasterxml.jackson.databind.JsonNode;
import dev.simgate.testkit.Command;
import java.util.List;
import java.util.Map;

/** Runs an Argo CD health script with a Debian Lua interpreter, with {@code obj} set to a Kubernetes object. */
final class ArgoHealthCheck {

  /**
   * Argo CD runs health scripts in gopher-lua, which implements Lua 5.1: the scripts must work there, and keep working
   * on a current Lua.
   */
  static final List<String> INTERPRETERS = List.of("lua5.1", "lua5.4");

  record Health(String status, String message) {}

  private final String lua;
  private final String script;

  ArgoHealthCheck(String lua, String script) {
    this.lua = lua;
    this.script = script;
  }

  Health assess(JsonNode object) {
    // Argo CD runs the script as a chunk with the global obj and reads the table it returns.
    String program = "obj = " + LuaLiteral.of(object) + "\n"
        + "local hs = (function()\n" + script + "\nend)()\n"
        + "io.write(tostring(hs.status), '\\n', tostring(hs.message), '\\n')\n";
    Command run = Command.run(List.of(lua, "-"), Map.of(), program);
    String[] lines = run.requireSuccess().split("\n", -1);
    return new Health(lines[0], lines.length > 1 ? lines[1] : "");
  }
}
