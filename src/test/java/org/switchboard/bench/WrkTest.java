package org.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's arithmetic over wrk's reports: a percentile over runs taken in windows. */
class WrkTest {
  @Test
  void aPercentileOverWindowsWeighsEachByItsRequests() {
    Wrk.Result fast = run(990, 1_000);
    Wrk.Result stalled = run(10, 100_000);
    assertThat(Wrk.percentileMs(List.of(fast, stalled), 50)).isEqualTo(1.0);
    assertThat(Wrk.percentileMs(List.of(fast, stalled), 99)).isEqualTo(1.0);
    assertThat(Wrk.percentileMs(List.of(fast, stalled), 99.5)).isEqualTo(100.0);
    // The highest window's p99 would have said 100 ms: one window in a hundred of the requests.
    assertThat(Wrk.percentileMs(List.of(stalled), 99)).isEqualTo(100.0);
  }

  @Test
  void aPercentileOfOneRunIsThatRunsOwn() {
    long[] quantiles = new long[Wrk.QUANTILES];
    for (int i = 0; i < quantiles.length; i++) quantiles[i] = (i + 1) * 10L; // 0.1% steps of 10 µs
    Wrk.Result r = new Wrk.Result(1, 0, 0, 5_000, 0, 0, quantiles);
    assertThat(Wrk.percentileMs(List.of(r), 50)).isEqualTo(5.0);
    assertThat(Wrk.percentileMs(List.of(r), 99)).isEqualTo(9.9);
  }

  @Test
  void theQuantilesAreReadFromTheDoneCallbacksLines() {
    String out = "  10 requests in 1.00s, 1.00KB read\nRequests/sec:     10.00\n  50%  1.00ms\n  99%  2.00ms\n"
        + "quantile 1 100\nquantile 1000 2000\n";
    Wrk.Result r = Wrk.parse(out);
    assertThat(r.quantilesMicros()[0]).isEqualTo(100);
    assertThat(r.quantilesMicros()[Wrk.QUANTILES - 1]).isEqualTo(2000);
  }

  @Test
  void aRunWithoutQuantilesIsNotTakenForOneWithoutLatency() {
    Wrk.Result none = new Wrk.Result(10, 0, 0, 10, 0, 0, new long[Wrk.QUANTILES]);
    assertThatThrownBy(() -> Wrk.percentileMs(List.of(none), 99))
        .isInstanceOf(IllegalStateException.class);
  }

  /** wrk itself, where it is installed: every quantile of a real run, the last one included, in order. */
  @Test
  void aRealRunReportsEveryQuantile() throws Exception {
    assumeTrue(Wrk.installed(), "wrk is not installed");
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", exchange -> {
      exchange.getRequestBody().readAllBytes();
      exchange.sendResponseHeaders(202, -1);
      exchange.close();
    });
    server.start();
    try {
      Wrk.Result r = Wrk.post("http://127.0.0.1:" + server.getAddress().getPort() + "/", "{}", Map.of(), 2, 1);
      assertThat(r.requests()).isPositive();
      assertThat(r.quantilesMicros()).isSorted().doesNotContain(0L);
      assertThat(Wrk.percentileMs(List.of(r), 100)).isPositive();
    } finally {
      server.stop(0);
    }
  }

  private static Wrk.Result run(long requests, long everyLatencyMicros) {
    long[] quantiles = new long[Wrk.QUANTILES];
    Arrays.fill(quantiles, everyLatencyMicros);
    return new Wrk.Result(requests, 0, 0, requests, 0, 0, quantiles);
  }
}
