package dev.simgate.operator.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.simgate.contract.net.Cidr;
import dev.simgate.contract.net.Ipv4;
import dev.simgate.operator.Fixtures;
import dev.simgate.operator.api.v1alpha1.Device;
import dev.simgate.operator.api.v1alpha1.DeviceSubnet;
import dev.simgate.operator.api.v1alpha1.DeviceSubnetSpec;
import dev.simgate.operator.api.v1alpha1.VirtualPrivateGateway;
import dev.simgate.testkit.WithKubeControlPlane;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * One table of address and CIDR texts, judged by the Java rules ({@link Ipv4}, {@link Cidr}) and by the CRDs' rules on a
 * real kube-apiserver (CEL, or a pattern for a device's address; a server dry-run create per field and input): both
 * must give the table's verdict. Every input fits its field's length limits, and a rejection must carry the field's
 * rule's message, so it is that rule that judged.
 */
@WithKubeControlPlane
class AddressRulesAgreeIT {
  /** Text, and whether it is an IPv4 address. Each 7..15 characters (the schema's bounds for addresses). */
  private static final List<Case> ADDRESSES = List.of(
      new Case("0.0.0.0", true), new Case("10.0.0.1", true), new Case("255.255.255.255", true),
      new Case("100.64.152.132", true), new Case("192.0.2.0", true),
      new Case("010.0.0.1", false), new Case("10.0.0.01", false), new Case("10.00.0.1", false),
      new Case("256.0.0.1", false), new Case("1.2.3.4.5", false), new Case(" 1.2.3.4", false),
      new Case("1.2.3.4 ", false), new Case("+1.2.3.4", false), new Case("1..2.3.4", false),
      new Case("1.2.3.4.", false), new Case("a.b.c.d", false), new Case("::ffff:1.2.3.4", false),
      new Case("2001:db8::1", false), new Case("1.2.3.٤", false), new Case("0x1.2.3.4", false),
      new Case("1234.1.1.1", false), new Case("1.2.3.4/32", false));
  /** Text, and whether it is an IPv4 CIDR. Each 9..18 characters (the schema's bounds for CIDRs). */
  private static final List<Case> CIDRS = List.of(
      new Case("0.0.0.0/0", true), new Case("10.128.0.0/9", true), new Case("10.128.255.254/9", true),
      new Case("192.0.2.1/32", true), new Case("10.0.0.0/8", true),
      new Case("10.0.0.0/08", false), new Case("10.0.0.0/033", false), new Case("10.0.0.0/33", false),
      new Case("10.0.0.0/-1", false), new Case("10.0.0.0/+8", false), new Case("10.0.0.0/ 8", false),
      new Case("10.0.0.0 /8", false), new Case("10.0.0.0/8 ", false), new Case("010.0.0.0/8", false),
      new Case("10.0.0.0/", false), new Case("10.0.0.10", false), new Case("10.0.0.0/8/8", false),
      new Case("2001:db8::/32", false), new Case("10.0.0.256/8", false));

  private record Case(String text, boolean valid) {}

  private static int counter;

  @BeforeAll
  static void install(KubernetesClient client) throws Exception {
    Cluster.installCrds(client);
    client.resource(new NamespaceBuilder().withNewMetadata().withName("factory").endMetadata().build()).create();
  }

  @Test
  void addressesAreJudgedAlikeByJavaAndCel(KubernetesClient client) {
    List<String> disagreements = new ArrayList<>();
    for (Case c : ADDRESSES) {
      check(c, Ipv4::isValid, disagreements);
      check(c, text -> accepted(client, vpg(v -> v.getSpec().peers = List.of(text)), "peers must be IPv4 addresses"),
          disagreements, "VirtualPrivateGateway spec.peers");
      check(c, text -> accepted(client, subnet(List.of("0.0.0.0/0"), List.of(new Device("d", text))),
          "spec.devices[0].address in body should match"), disagreements, "DeviceSubnet spec.devices[].address");
    }
    assertThat(disagreements).isEmpty();
  }

  @Test
  void cidrsAreJudgedAlikeByJavaAndCel(KubernetesClient client) {
    List<String> disagreements = new ArrayList<>();
    for (Case c : CIDRS) {
      check(c, Cidr::isValid, disagreements);
      check(c, text -> accepted(client, vpg(v -> v.getSpec().deviceSubnet = text), "deviceSubnet must be an IPv4 CIDR"),
          disagreements, "VirtualPrivateGateway spec.deviceSubnet");
      check(c, text -> accepted(client, subnet(List.of(text), List.of()), "cidrs must be IPv4 CIDRs"),
          disagreements, "DeviceSubnet spec.cidrs");
    }
    assertThat(disagreements).isEmpty();
  }

  private static void check(Case c, Predicate<String> java, List<String> disagreements) {
    if (java.test(c.text()) != c.valid()) {
      disagreements.add("Java: '" + c.text() + "' should be " + (c.valid() ? "accepted" : "rejected"));
    }
  }

  private static void check(Case c, Predicate<String> server, List<String> disagreements, String field) {
    if (server.test(c.text()) != c.valid()) {
      disagreements.add("the rule of " + field + ": '" + c.text() + "' should be " + (c.valid() ? "accepted" : "rejected"));
    }
  }

  /** Whether a dry-run create succeeds; a rejection must be for {@code ruleMessage}. */
  private static boolean accepted(KubernetesClient client, HasMetadata object, String ruleMessage) {
    try {
      client.resource(object).dryRun().create();
      return true;
    } catch (KubernetesClientException e) {
      assertThat(e.getCode()).as("rejected as invalid: %s", e.getMessage()).isEqualTo(422);
      assertThat(e.getMessage()).as("rejected by the field's rule, not the schema's bounds").contains(ruleMessage);
      return false;
    }
  }

  private static VirtualPrivateGateway vpg(java.util.function.Consumer<VirtualPrivateGateway> change) {
    var vpg = Fixtures.vpg("rules-" + (++counter));
    change.accept(vpg);
    return vpg;
  }

  private static DeviceSubnet subnet(List<String> cidrs, List<Device> devices) {
    return new DeviceSubnet("factory", "rules-" + (++counter), new DeviceSubnetSpec("vpg", cidrs, devices));
  }

}
