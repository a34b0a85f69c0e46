package org.switchboard.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimesTest {
  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void writesWhatTheFormatterWrites() {
    SplittableRandom random = new SplittableRandom(42);
    long[] edges = {0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_400_000L /* 2000-02-29 */,
        1_795_287_535_719L, 253_402_300_799_999L /* 9999-12-31T23:59:59.999 */, 253_402_300_800_000L, -1, -86_400_001};
    for (long ms : edges) assertThat(Times.iso(ms)).as("%d", ms).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(ms)));
    for (int i = 0; i < 100_000; i++) {
      long ms = random.nextLong(-10_000_000_000_000L, 300_000_000_000_000L);
      assertThat(Times.iso(ms)).as("%d", ms).isEqualTo(REFERENCE.format(Instant.ofEpochMilli(ms)));
    }
    assertThat(Times.iso(null)).isNull();
  }
}
