package dev.simgate.operator.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;

class RangeLedgerTest {
  static ConfigMap ledger(String uid, String version) {
    return new ConfigMapBuilder().withNewMetadata().withName("simgate-ranges-vpg").withUid(uid)
        .withResourceVersion(version).endMetadata().build();
  }

  @Test
  void aChangeStartsFromTheLatestVersionKnown() {
    ConfigMap cached = ledger("a", "100");
    ConfigMap written = ledger("a", "105");
    assertThat(RangeLedger.newer(cached, written)).as("own write not yet in the informer").isSameAs(written);
    assertThat(RangeLedger.newer(ledger("a", "110"), written)).as("the informer caught up").isNotSameAs(written);
    assertThat(RangeLedger.newer(null, written)).isSameAs(written);
    assertThat(RangeLedger.newer(cached, null)).isSameAs(cached);
    assertThat(RangeLedger.newer(ledger("b", "90"), written)).as("made again: the informer's is the one there is")
        .extracting(c -> c.getMetadata().getUid()).isEqualTo("b");
  }
}
