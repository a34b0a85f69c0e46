package org.switchboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MainTest {
  @Test
  void theHelpListsEveryFlagServeAcceptsAndOnlyThose() {
    Matcher flags = Pattern.compile("^  (--[a-z-]+) +(SWITCHBOARD_[A-Z_]+)$", Pattern.MULTILINE).matcher(Main.usage());
    int listed = 0;
    while (flags.find()) {
      listed++;
      String flag = flags.group(1);
      assertThat(Config.KNOWN).contains(flags.group(2));
      try {
        Config.load(Map.of(), List.of(flag, "x"));
      } catch (Config.Invalid e) {
        // A value of the wrong kind is fine here; the flag itself must be known.
        assertThat(e.getMessage()).doesNotContain("unknown flag");
      }
    }
    assertThat(listed).isEqualTo(Config.KNOWN.size());
  }
}
