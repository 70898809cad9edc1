package dev.simgate.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;

class SelectorsTest {
  @Test
  void absentSelectorMatchesNothingAndEmptyMatchesAll() {
    assertThat(Selectors.matches((LabelSelector) null, Map.of("a", "b"))).isFalse();
    assertThat(Selectors.matches(new LabelSelector(), Map.of())).isTrue();
  }

  @Test
  void matchLabelsAndExpressionsAreAnded() {
    LabelSelector selector = new LabelSelectorBuilder()
        .addToMatchLabels("team", "iot")
        .addNewMatchExpression().withKey("env").withOperator("In").withValues("prod", "staging").endMatchExpression()
        .addNewMatchExpression().withKey("legacy").withOperator("DoesNotExist").endMatchExpression()
        .build();
    assertThat(Selectors.matches(selector, Map.of("team", "iot", "env", "prod"))).isTrue();
    assertThat(Selectors.matches(selector, Map.of("team", "iot", "env", "dev"))).isFalse();
    assertThat(Selectors.matches(selector, Map.of("team", "iot", "env", "prod", "legacy", "x"))).isFalse();
    assertThat(Selectors.matches(selector, Map.of("env", "prod"))).isFalse();
  }
}
