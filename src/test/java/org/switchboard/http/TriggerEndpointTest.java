package org.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which paths the bare trigger handler takes; everything else must reach Javalin's routes. */
class TriggerEndpointTest {
  @Test
  void takesOnlyTheInvocationPath() {
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/trg_1/events")).isEqualTo("trg_1");
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/anything/events")).isEqualTo("anything");
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/trg_1/events/")).isNull();
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/a/b/events")).isNull();
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/events")).isNull();
    assertThat(TriggerEndpoint.triggerId("/v1/triggers//events")).isNull();
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/trg_1")).isNull();
    assertThat(TriggerEndpoint.triggerId("/v1/triggers/trg_1/rotate-secret")).isNull();
    assertThat(TriggerEndpoint.triggerId(null)).isNull();
  }
}
