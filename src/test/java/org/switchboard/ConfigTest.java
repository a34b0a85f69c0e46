package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigTest {

  @Test
  void defaults() {
    Config c = Config.load(Map.of(), List.of());
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.dataDir().toString()).isEqualTo("./data");
    assertThat(c.embedded()).isTrue();
    assertThat(c.maxBodyBytes()).isEqualTo(1 << 20);
    assertThat(c.webhookAllowPrivate()).isFalse();
    assertThat(c.logFormat()).isEqualTo("text");
    assertThat(c.logRetentionDays()).as("the log is kept for good").isZero();
  }

  @Test
  void flagsOverrideTheEnvironment() {
    Config c = Config.load(Map.of("SWITCHBOARD_HTTP_PORT", "9000"), List.of("--http-port", "9100", "--data-dir=/tmp/x",
        "--webhook-allow-private", "true", "--db-url", "jdbc:postgresql://db:5432/sb", "--log-retention-days", "30"));
    assertThat(c.httpPort()).isEqualTo(9100);
    assertThat(c.dataDir().toString()).isEqualTo("/tmp/x");
    assertThat(c.webhookAllowPrivate()).isTrue();
    assertThat(c.embedded()).isFalse();
    assertThat(c.logRetentionDays()).isEqualTo(30);
  }

  @Test
  void malformedValuesNameTheVariable() {
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_HTTP_PORT", "eighty"), List.of()))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_HTTP_PORT", "70000"), List.of()))
        .hasMessageContaining("SWITCHBOARD_HTTP_PORT");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_DB_URL", "mysql://x"), List.of()))
        .hasMessageContaining("SWITCHBOARD_DB_URL");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "maybe"), List.of()))
        .hasMessageContaining("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_MAX_BODY_BYTES", "1"), List.of()))
        .hasMessageContaining("SWITCHBOARD_MAX_BODY_BYTES");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_LLM_BASE_URL", "ftp://x"), List.of()))
        .hasMessageContaining("SWITCHBOARD_LLM_BASE_URL");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_LOG_FORMAT", "xml"), List.of()))
        .hasMessageContaining("SWITCHBOARD_LOG_FORMAT");
    assertThatThrownBy(() -> Config.load(Map.of("SWITCHBOARD_LOG_RETENTION_DAYS", "-1"), List.of()))
        .hasMessageContaining("SWITCHBOARD_LOG_RETENTION_DAYS");
    assertThatThrownBy(() -> Config.load(Map.of(), List.of("--no-such-flag", "1"))).hasMessageContaining("--no-such-flag");
  }
}
