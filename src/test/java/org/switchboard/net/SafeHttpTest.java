package org.switchboard.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.switchboard.support.LocalServer;

/** Outbound calls cannot reach private addresses, however they are written, and go to the address checked. */
class SafeHttpTest {
  private final SafeHttp strict = new SafeHttp(new AddressPolicy(false), Duration.ofSeconds(2), 1024);

  @ParameterizedTest
  @ValueSource(strings = {
      "http://127.0.0.1:1/", "http://localhost:1/", "http://[::1]:1/", "http://[::ffff:127.0.0.1]:1/",
      "http://[::ffff:7f00:1]:1/", "http://[fd00::1]/", "http://[fe80::1]/", "http://169.254.169.254/latest/meta-data",
      "http://10.0.0.1/", "http://172.16.5.4/", "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0/",
      "http://2130706433/", "http://0177.0.0.1/", "http://0x7f000001/", "http://127.1/", "http://017700000001/",
      "http://[2002:7f00:1::]/", "http://[64:ff9b::7f00:1]/", "http://224.0.0.1/", "ftp://example.com/", "file:///etc/passwd"})
  void privateAndAmbiguousTargetsAreRefusedBeforeAnyConnection(String url) {
    assertThatThrownBy(() -> strict.send("POST", URI.create(url), Map.of(), new byte[0], Duration.ofSeconds(2)))
        .isInstanceOfSatisfying(SafeHttp.Failed.class, f -> assertThat(f.refused).as(f.getMessage()).isTrue());
  }

  @Test
  void publicAddressesAreNotPrivate() throws Exception {
    for (String ip : new String[] {"8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1", "192.169.0.1", "100.128.0.1"}) {
      assertThat(AddressPolicy.isPrivate(InetAddress.getByName(ip))).as(ip).isFalse();
    }
  }

  @Test
  void theRequestGoesToTheCheckedAddressWithTheOriginalHost() throws Exception {
    try (LocalServer server = new LocalServer(r -> LocalServer.Answer.json(200, Map.of("ok", true)))) {
      SafeHttp open = new SafeHttp(new AddressPolicy(true), Duration.ofSeconds(2), 1024);
      URI url = URI.create(server.url().replace("127.0.0.1", "localhost") + "/hook?x=1");
      SafeHttp.Response r = open.send("POST", url, Map.of("X-Test", "1"), "{}".getBytes(), Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(200);
      var request = server.requests.get(0);
      assertThat(request.headers().getFirst("Host")).isEqualTo("localhost:" + url.getPort());
      assertThat(request.path()).isEqualTo("/hook");
      assertThat(request.query()).isEqualTo("x=1");
    }
  }

  @Test
  void redirectsAreReturnedNotFollowed() throws Exception {
    try (LocalServer server = new LocalServer(r -> r.path().equals("/a")
        ? new LocalServer.Answer(301, "text/plain", "", 0, Map.of("Location", "/b")) : LocalServer.Answer.json(200, Map.of()))) {
      SafeHttp open = new SafeHttp(new AddressPolicy(true), Duration.ofSeconds(2), 1024);
      SafeHttp.Response r = open.send("GET", URI.create(server.url() + "/a"), Map.of(), null, Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(301);
      assertThat(server.requests).hasSize(1);
    }
  }

  @Test
  void aBodyOverTheLimitIsCutAndASlowAnswerTimesOut() throws Exception {
    String big = "x".repeat(100_000);
    try (LocalServer server = new LocalServer(r -> r.path().equals("/slow")
        ? new LocalServer.Answer(200, "text/plain", "late", 3_000) : new LocalServer.Answer(200, "text/plain", big, 0,
        Map.of("Retry-After", "7")))) {
      SafeHttp open = new SafeHttp(new AddressPolicy(true), Duration.ofSeconds(2), 1024);
      SafeHttp.Response r = open.send("GET", URI.create(server.url() + "/big"), Map.of(), null, Duration.ofSeconds(5));
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).hasSize(1024).containsOnly((byte) 'x');
      assertThat(r.header("retry-after")).isEqualTo("7");
      assertThatThrownBy(() -> open.send("GET", URI.create(server.url() + "/slow"), Map.of(), null, Duration.ofMillis(300)))
          .isInstanceOfSatisfying(SafeHttp.Failed.class, f -> assertThat(f.getMessage()).isEqualTo("timed out after 300 ms"));
    }
  }
}
