package dev.simgate.agent.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads the named counters of one nftables table (packets by counter name), for metrics at scrape time. */
public final class NftCounters {
  private static final ObjectMapper JSON = new ObjectMapper();

  private NftCounters() {}

  /**
   * @param table family and name, e.g. {@code inet simgate_simgate0}
   * @return packets by counter name; empty when the table is not there
   */
  public static Map<String, Long> read(HostCommand command, String table) throws IOException {
    String[] words = table.split(" ");
    HostCommand.Result result = command.run(List.of("nft", "-j", "list", "counters", "table", words[0], words[1]), "");
    if (!result.ok()) {
      return Map.of();
    }
    return parse(result.stdout());
  }

  /** The counters in {@code nft -j list counters} output. */
  static Map<String, Long> parse(String json) throws IOException {
    Map<String, Long> counters = new TreeMap<>();
    for (JsonNode item : JSON.readTree(json).path("nftables")) {
      JsonNode counter = item.get("counter");
      if (counter != null) {
        counters.put(counter.path("name").asText(), counter.path("packets").asLong());
      }
    }
    return counters;
  }
}
