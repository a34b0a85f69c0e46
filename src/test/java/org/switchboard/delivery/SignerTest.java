package org.switchboard.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);

  /** The example of the Standard Webhooks specification. */
  @Test
  void signsLikeTheStandardWebhooksExample() {
    assertThat(Signer.sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, BODY))
        .isEqualTo("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  /** Each signature starts from its own key alone, whatever was signed before with the same or another secret. */
  @Test
  void signaturesDoNotCarryStateFromEarlierOnes() {
    String first = Signer.signature(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330, BODY);
    String other = Signer.newSecret();
    Signer.sign(other, "msg_other", 1, "x".getBytes(StandardCharsets.UTF_8));
    String both = Signer.signature(List.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", other), "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330, BODY);
    assertThat(first).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    assertThat(both).startsWith(first + " v1,").isNotEqualTo(first + " " + first);
  }
}
