package dev.simgate.operator.vpg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.simgate.operator.api.v1alpha1.SoracomPeer;
import dev.simgate.operator.api.v1alpha1.SoracomRegistration;
import dev.simgate.operator.soracom.model.GatePeer;
import dev.simgate.operator.vpg.RegistrationPlanner.Action;
import dev.simgate.operator.vpg.RegistrationPlanner.DesiredNode;
import dev.simgate.operator.vpg.RegistrationPlanner.Plan;
import dev.simgate.operator.vpg.RegistrationPlanner.Step;

class RegistrationPlannerTest {
  static final DesiredNode A = new DesiredNode("node-a", "gp", "192.0.2.1", "10.255.255.1");
  static final DesiredNode B = new DesiredNode("node-b", "gp", "192.0.2.2", "10.255.255.2");
  static final GatePeer VPG_PEER = new GatePeer("100.64.152.4", "10.128.0.2", "9", false);

  static GatePeer customer(String outer, String inner) {
    return new GatePeer(outer, inner, "9", true);
  }

  static SoracomRegistration ours(DesiredNode n, String inner, boolean inPlace) {
    return new SoracomRegistration(n.node(), n.gatePeer(), n.outerAddress(), inner, true, inPlace, null);
  }

  static Step only(Plan plan) {
    assertThat(plan.steps()).hasSize(1);
    return plan.steps().getFirst();
  }

  @Test
  void anUnlistedNodeIsRegisteredAndRecordedAsSimGatesFirst() {
    Plan plan = RegistrationPlanner.plan(List.of(A), List.of(), List.of(VPG_PEER));
    Step step = only(plan);
    assertThat(step.action()).isEqualTo(Action.REGISTER);
    assertThat(step.entry().registeredBySimGate()).isTrue();
    assertThat(step.entry().inPlace()).isFalse();
    assertThat(step.entry().innerAddress()).isEqualTo(A.innerAddress());
    assertThat(step.drift()).isNull();
    assertThat(plan.registers()).isTrue();
    assertThat(plan.others()).isEmpty();
  }

  @Test
  void aListedIdenticalEntryIsInPlaceAndStaysWhoeverMadeIt() {
    Step mine = only(RegistrationPlanner.plan(List.of(A), List.of(ours(A, A.innerAddress(), true)),
        List.of(customer(A.outerAddress(), A.innerAddress()))));
    assertThat(mine.action()).isEqualTo(Action.NONE);
    assertThat(mine.entry().inPlace()).isTrue();
    assertThat(mine.entry().registeredBySimGate()).isTrue();

    Step theirs = only(RegistrationPlanner.plan(List.of(A), List.of(), List.of(customer(A.outerAddress(), A.innerAddress()))));
    assertThat(theirs.action()).isEqualTo(Action.NONE);
    assertThat(theirs.entry().inPlace()).isTrue();
    assertThat(theirs.entry().registeredBySimGate()).as("not SimGate's: never unregistered").isFalse();
  }

  @Test
  void someoneElsesEntryForTheNodesAddressIsAConflictNotChanged() {
    Step step = only(RegistrationPlanner.plan(List.of(A), List.of(), List.of(customer(A.outerAddress(), "10.255.0.9"))));
    assertThat(step.action()).isEqualTo(Action.NONE);
    assertThat(step.entry().inPlace()).isFalse();
    assertThat(step.entry().registeredBySimGate()).isFalse();
    assertThat(step.entry().message()).contains("registered outside SimGate", "10.255.0.9");
  }

  @Test
  void theVpgsOwnPeerIsNeverTouched() {
    DesiredNode onVpgPeer = new DesiredNode("odd", "gp", VPG_PEER.outerIpAddress(), "10.255.255.9");
    Step step = only(RegistrationPlanner.plan(List.of(onVpgPeer), List.of(), List.of(VPG_PEER)));
    assertThat(step.action()).isEqualTo(Action.NONE);
    assertThat(step.entry().message()).contains("VPG's own Gate peers");
  }

  @Test
  void simGatesEntryRemovedInTheConsoleIsRegisteredAgainAsDrift() {
    Step step = only(RegistrationPlanner.plan(List.of(A), List.of(ours(A, A.innerAddress(), true)), List.of(VPG_PEER)));
    assertThat(step.action()).isEqualTo(Action.REGISTER);
    assertThat(step.drift()).contains("unregistered outside SimGate");
  }

  @Test
  void aPendingRegistrationIsRetriedWithoutCallingItDrift() {
    Step step = only(RegistrationPlanner.plan(List.of(A), List.of(ours(A, A.innerAddress(), false)), List.of()));
    assertThat(step.action()).isEqualTo(Action.REGISTER);
    assertThat(step.drift()).isNull();
  }

  @Test
  void simGatesEntryChangedInTheConsoleIsSetBack() {
    Step step = only(RegistrationPlanner.plan(List.of(A), List.of(ours(A, A.innerAddress(), true)),
        List.of(customer(A.outerAddress(), "10.255.0.99"))));
    assertThat(step.action()).isEqualTo(Action.REPLACE);
    assertThat(step.drift()).contains("changed outside SimGate", "10.255.0.99");
  }

  @Test
  void aNewInnerAddressOfSimGatesOwnEntryReplacesItWithoutDrift() {
    Step step = only(RegistrationPlanner.plan(List.of(A), List.of(ours(A, "10.255.255.7", true)),
        List.of(customer(A.outerAddress(), "10.255.255.7"))));
    assertThat(step.action()).isEqualTo(Action.REPLACE);
    assertThat(step.drift()).isNull();
  }

  @Test
  void aNodeThatLeftIsUnregisteredOnlyIfTheEntryIsStillAsSimGateMadeIt() {
    Plan plan = RegistrationPlanner.plan(List.of(), List.of(ours(A, A.innerAddress(), true)),
        List.of(customer(A.outerAddress(), A.innerAddress())));
    assertThat(only(plan).action()).isEqualTo(Action.UNREGISTER);
    assertThat(plan.others()).isEmpty();

    Plan changed = RegistrationPlanner.plan(List.of(), List.of(ours(A, A.innerAddress(), true)),
        List.of(customer(A.outerAddress(), "10.255.0.5")));
    assertThat(only(changed).action()).as("changed by someone else: theirs now").isEqualTo(Action.FORGET);
    assertThat(changed.others()).containsExactly(new SoracomPeer(A.outerAddress(), "10.255.0.5"));

    Plan gone = RegistrationPlanner.plan(List.of(), List.of(ours(A, A.innerAddress(), true)), List.of());
    assertThat(only(gone).action()).isEqualTo(Action.FORGET);
  }

  @Test
  void othersEntriesAreReportedAndRemovalsComeFirst() {
    GatePeer stranger = customer("198.51.100.7", "10.255.0.7");
    Plan plan = RegistrationPlanner.plan(List.of(B), List.of(ours(A, A.innerAddress(), true)),
        List.of(VPG_PEER, stranger, customer(A.outerAddress(), A.innerAddress())));
    assertThat(plan.steps()).extracting(Step::action).containsExactly(Action.UNREGISTER, Action.REGISTER);
    assertThat(plan.others()).containsExactly(new SoracomPeer("198.51.100.7", "10.255.0.7"));
  }

  @Test
  void twoNodesWithOneOuterAddressAreReportedNotRegistered() {
    DesiredNode twin = new DesiredNode("node-z", "gp", A.outerAddress(), "10.255.255.9");
    Step step = only(RegistrationPlanner.plan(List.of(A, twin), List.of(), List.of()));
    assertThat(step.action()).isEqualTo(Action.NONE);
    assertThat(step.entry().message()).contains("shared by nodes [node-a, node-z]");
  }
}
