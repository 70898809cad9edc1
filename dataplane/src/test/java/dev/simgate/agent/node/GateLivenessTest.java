package dev.simgate.agent.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class GateLivenessTest {
  @Test
  void aGateCarriesUntilItLeavesThresholdProbesUnansweredAndAgainAfterOneAnswer() {
    GateLiveness gate = new GateLiveness();
    assertThat(gate.carries()).as("not judged yet: the routes found stay").isTrue();
    gate.sent(1);
    assertThat(gate.answered(1)).as("pending -> up changes nothing for traffic").isFalse();
    assertThat(gate.state()).isEqualTo(GateLiveness.State.UP);
    gate.sent(2);
    assertThat(gate.judge(3)).isFalse();
    gate.sent(3);
    assertThat(gate.judge(3)).isFalse();
    gate.sent(4);
    assertThat(gate.answered(3)).as("an answer to an older probe says nothing about now").isFalse();
    assertThat(gate.judge(3)).as("the third miss in a row").isTrue();
    assertThat(gate.carries()).isFalse();
    gate.sent(5);
    assertThat(gate.judge(3)).as("down once").isFalse();
    gate.sent(6);
    assertThat(gate.answered(6)).as("back").isTrue();
    assertThat(gate.carries()).isTrue();
    assertThat(gate.probesSent).isEqualTo(6);
    assertThat(gate.answers).isEqualTo(2);
  }

  @Test
  void probeMessagesRoundTripAndStrangersAreIgnored() {
    var question = new ProbeMessage(ProbeMessage.Kind.QUESTION, 0x0123456789abcdefL, 0x0a80fffe);
    ByteBuffer buffer = ByteBuffer.allocate(ProbeMessage.LENGTH);
    question.write(buffer);
    assertThat(ProbeMessage.read(buffer.flip())).isEqualTo(question);
    assertThat(question.answer()).isEqualTo(new ProbeMessage(ProbeMessage.Kind.ANSWER, question.nonce(),
        question.address()));
    assertThat(ProbeMessage.read(ByteBuffer.wrap(new byte[16]))).as("wrong magic").isNull();
    assertThat(ProbeMessage.read(ByteBuffer.wrap(new byte[15]))).as("wrong length").isNull();
  }
}
