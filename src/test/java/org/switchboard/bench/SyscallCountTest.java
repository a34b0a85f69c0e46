package org.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading strace's summary table, as printed by the strace this machine has where it has one. */
class SyscallCountTest {
  @Test
  void callsAreReadByNameWithOrWithoutErrors() {
    String summary = """
        % time     seconds  usecs/call     calls    errors syscall
        ------ ----------- ----------- --------- --------- ----------------
         94.13  144.520867       19093      7569       191 futex
          0.75    1.145109          35     32473           writev
          0.36    0.554216          31     17777           pwrite64
        ------ ----------- ----------- --------- --------- ----------------
        100.00  146.220192         501     57819       191 total
        """;
    assertThat(SyscallCount.calls(summary))
        .containsExactly(Map.entry("futex", 7569L), Map.entry("writev", 32473L), Map.entry("pwrite64", 17777L),
            Map.entry("total", 57819L));
  }

  @Test
  void theInstalledStracesSummaryIsRead(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("summary");
    Process strace;
    try {
      strace = new ProcessBuilder("strace", "-c", "-f", "-o", out.toString(), "sh", "-c", "echo one > /dev/null")
          .redirectErrorStream(true).start();
    } catch (java.io.IOException notInstalled) {
      assumeTrue(false, "strace is not installed");
      return;
    }
    assumeTrue(strace.waitFor() == 0, "strace cannot trace here (ptrace refused)");
    Map<String, Long> calls = SyscallCount.calls(Files.readString(out));
    assertThat(calls).containsKey("execve");
    assertThat(calls.get("total")).isGreaterThanOrEqualTo(calls.get("execve")).isPositive();
  }
}
