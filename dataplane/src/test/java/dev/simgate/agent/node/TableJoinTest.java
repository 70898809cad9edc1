package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.simgate.contract.agentconfig.ConfigException;
import dev.simgate.contract.nodepolicy.NodePolicy;
import dev.simgate.contract.nodepolicy.NodePolicyCodec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableJoinTest {
  private final Source own = new Source("own");
  private final Source table = new Source("table");
  private final List<String> heard = new ArrayList<>();
  private final TableJoin join = new TableJoin(own, table);

  TableJoinTest() {
    join.start(new PolicySource.Listener() {
      @Override
      public void document(String json) {
        heard.add(json);
      }

      @Override
      public void absent() {
        heard.add("absent");
      }

      @Override
      public void trouble(String problem) {
        heard.add("trouble: " + problem);
      }
    });
  }

  @Test
  void handsOnTheJoinedPolicyOnceBothAreHeardAndOnEveryChangeOfEither() throws ConfigException {
    NodePolicy plain = Policies.plainOnePod();
    own.listener.document(NodePolicyCodec.write(plain.withoutTable()));
    assertThat(heard).as("nothing before the table is heard").isEmpty();

    table.listener.document(NodePolicyCodec.writeTable(Policies.NODES, Policies.ROUTES));
    assertThat(heard).hasSize(1);
    assertThat(NodePolicyCodec.parse(heard.getLast())).isEqualTo(plain);

    table.listener.document(NodePolicyCodec.writeTable(Policies.NODES, Policies.ROUTES.subList(0, 1)));
    assertThat(NodePolicyCodec.parse(heard.getLast()).steering().routes()).hasSize(1);

    own.listener.absent();
    assertThat(heard.getLast()).isEqualTo("absent");
  }

  @Test
  void aGateNodeDoesNotRouteToItself() throws ConfigException {
    table.listener.document(NodePolicyCodec.writeTable(Policies.NODES, Policies.ROUTES));
    own.listener.document(NodePolicyCodec.write(Policies.gateWithExposures().withoutTable()));

    assertThat(NodePolicyCodec.parse(heard.getLast()).steering().routes())
        .allSatisfy(route -> assertThat(route.gates()).noneMatch(gate -> gate.node().equals("gate-a")))
        .anySatisfy(route -> assertThat(route.gates()).isNotEmpty());
  }

  @Test
  void aBrokenTableIsTroubleAndABrokenOwnDocumentIsHandedOnForTheAgentToReport() {
    table.listener.absent();
    own.listener.document("{\"node\": 7}");
    assertThat(heard.getLast()).isEqualTo("{\"node\": 7}");

    own.listener.document(NodePolicyCodec.write(Policies.plainOnePod().withoutTable()));
    table.listener.document("[]");
    assertThat(heard.getLast()).isEqualTo("trouble: table: steering table: must be a JSON object");
  }

  private static final class Source implements PolicySource {
    private final String name;
    PolicySource.Listener listener;

    Source(String name) {
      this.name = name;
    }

    @Override
    public void start(Listener value) {
      listener = value;
    }

    @Override
    public String describe() {
      return name;
    }

    @Override
    public void close() {}
  }
}
