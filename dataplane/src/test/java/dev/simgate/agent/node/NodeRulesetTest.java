package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.nodepolicy.NodePolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The node agent's table, rendered, against golden files in {@code src/test/resources/node-ruleset/} (run with
 * {@code -Dsimgate.golden.update=true} to rewrite them after a deliberate change, then read the diff).
 * {@code NodeRulesetNftIT} loads every golden file into nftables in a network namespace of its own.
 */
class NodeRulesetTest {
  static final Path GOLDEN = Path.of("src/test/resources/node-ruleset");
  static final NodeRuleset.Context CONTEXT = new NodeRuleset.Context("sgsteer0", new TreeSet<>(List.of("simgate0")),
      9468, List.of(9466, 9467));

  @Test
  void closedPolicyEmptySetsNoSteering() throws IOException {
    golden("closed.nft", NodePolicy.closed("plain"));
  }

  @Test
  void plainNodeOnePod() throws IOException {
    golden("plain-one-pod.nft", Policies.plainOnePod());
  }

  @Test
  void plainNodeThousandsOfPods() throws IOException {
    String table = golden("plain-4000-pods.nft", Policies.plainManyPods(4000));
    long elements = table.lines().filter(line -> line.matches(" {6}10\\.88\\.\\d+\\.\\d+ \\. 10\\.128\\.\\d\\.0/24,?"))
        .count();
    assertThat(elements).isEqualTo(4000 + 3);
  }

  @Test
  void gateNodeWithExposuresOfSeveralTargets() throws IOException {
    golden("gate-exposures.nft", Policies.gateWithExposures());
  }

  @Test
  void theSameDestinationTwiceAndNestedCidrsAreMergedWhereNftablesWantsNoOverlap() {
    var policy = new NodePolicy("plain", List.of(
        new NodePolicy.Access("a/one", List.of(dev.simgate.contract.net.Ipv4.parse("10.88.1.2")),
            List.of(Policies.SIMS_A, dev.simgate.contract.net.Cidr.parse("10.128.0.0/16"))),
        new NodePolicy.Access("b/two", List.of(dev.simgate.contract.net.Ipv4.parse("10.88.1.2")),
            List.of(Policies.SIMS_A))), null, List.of());
    String table = NodeRuleset.render(policy, CONTEXT);
    assertThat(table).contains("""
          set device_cidrs {
            type ipv4_addr
            flags interval
            elements = {
              10.128.0.0/16
            }
          }
        """).contains("""
            elements = {
              10.88.1.2 . 10.128.0.0/16,
              10.88.1.2 . 10.128.1.0/24
            }
        """).contains("""
            elements = {
              10.128.0.0/16 : "%s"
            }
        """.formatted(OwnerCounters.counterName("a/one")));
  }

  @Test
  void updatesFlushRulesAndElementsButKeepTheCounters() {
    String table = NodeRuleset.render(Policies.plainOnePod(), CONTEXT);
    assertThat(NodeRuleset.updateScript(table)).startsWith("""
        flush table inet simgate_node
        flush set inet simgate_node gate_interfaces
        flush set inet simgate_node guarded_interfaces
        flush set inet simgate_node device_cidrs
        flush set inet simgate_node allowed
        flush set inet simgate_node nodes
        flush map inet simgate_node denied_by_owner
        table inet simgate_node {
        """).doesNotContain("delete");
    assertThat(NodeRuleset.replaceScript(table)).startsWith("table inet simgate_node\ndelete table inet simgate_node\n"
        + "table inet simgate_node {\n");
  }

  private static String golden(String name, NodePolicy policy) throws IOException {
    String table = NodeRuleset.render(policy, CONTEXT);
    Path file = GOLDEN.resolve(name);
    if (Boolean.getBoolean("simgate.golden.update")) {
      Files.createDirectories(GOLDEN);
      Files.writeString(file, table);
    }
    assertThat(table).as("%s (rewrite with -Dsimgate.golden.update=true)", file).isEqualTo(Files.readString(file));
    return table;
  }
}
