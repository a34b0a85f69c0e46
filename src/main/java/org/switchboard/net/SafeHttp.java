package org.switchboard.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * Outbound HTTP that cannot be steered to private addresses. The host is resolved once, every address it resolves
 * to is checked against the {@link AddressPolicy}, and the request then goes to that checked address (the URL's
 * host replaced by the IP, with the original Host header and TLS server name), so a DNS answer that changes
 * between the check and the connection (rebinding) cannot redirect it. Redirects are never followed.
 */
public final class SafeHttp {
  /** Must be set before java.net.http is first used; {@link #requireHostHeader()} checks it. */
  public static final String RESTRICTED_HEADERS_PROPERTY = "jdk.httpclient.allowRestrictedHeaders";
  private static final Pattern NUMERIC_HOST = Pattern.compile("(?i)[0-9a-fx.]+");
  private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  public record Response(int status, Map<String, List<String>> headers, byte[] body, long durationMs) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) return e.getValue().get(0);
      }
      return null;
    }
  }

  /** The call did not produce a response: refused address, network error or timeout. */
  public static final class Failed extends Exception {
    public final boolean refused;
    public final long durationMs;

    Failed(String message, boolean refused, long durationMs) {
      super(message, null, false, false);
      this.refused = refused;
      this.durationMs = durationMs;
    }
  }

  private final AddressPolicy policy;
  private final Duration connectTimeout;
  private final int maxBodyBytes;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  public SafeHttp(AddressPolicy policy, Duration connectTimeout, int maxBodyBytes) {
    this.policy = policy;
    this.connectTimeout = connectTimeout;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Fails fast at start-up if the JVM would refuse to send our Host header. */
  public static void requireHostHeader() {
    try {
      HttpRequest.newBuilder(URI.create("http://127.0.0.1/")).header("Host", "example.com");
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("start the JVM with -D" + RESTRICTED_HEADERS_PROPERTY + "=host", e);
    }
  }

  public Response send(String method, URI url, Map<String, String> headers, byte[] body, Duration timeout)
      throws Failed {
    long start = System.nanoTime();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) throw refused("only http and https URLs are allowed", start);
    String host = url.getHost();
    if (host == null || host.isEmpty()) throw refused("the URL has no host", start);
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (NUMERIC_HOST.matcher(bare).matches() && !DOTTED_QUAD.matcher(bare).matches() && !bare.contains(":")) {
      throw refused("'" + host + "' is an ambiguous numeric address; write it as a.b.c.d", start);
    }
    InetAddress address;
    try {
      InetAddress[] all = InetAddress.getAllByName(bare);
      if (!policy.allowPrivate()) {
        for (InetAddress a : all) {
          if (AddressPolicy.isPrivate(a)) {
            throw refused(host + " resolves to " + a.getHostAddress()
                + ", a private address; set SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE=true to allow it", start);
          }
        }
      }
      address = all[0];
    } catch (UnknownHostException e) {
      throw new Failed("cannot resolve " + host, false, elapsed(start));
    }
    String literal = address instanceof Inet6Address ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
    int port = url.getPort();
    URI pinned = URI.create(scheme + "://" + literal + (port >= 0 ? ":" + port : "") + (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
        + (url.getRawQuery() != null ? "?" + url.getRawQuery() : ""));
    HttpRequest.Builder request = HttpRequest.newBuilder(pinned).timeout(timeout).version(HttpClient.Version.HTTP_1_1)
        .header("Host", port >= 0 ? host + ":" + port : host);
    for (var h : headers.entrySet()) {
      try {
        request.header(h.getKey(), h.getValue());
      } catch (IllegalArgumentException e) {
        throw refused("header '" + h.getKey() + "' cannot be sent: " + e.getMessage(), start);
      }
    }
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofByteArray(body);
    request.method(method.toUpperCase(Locale.ROOT), publisher);
    try {
      HttpResponse<InputStream> response = client(scheme, bare).send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes;
      try (InputStream in = response.body()) {
        bytes = in.readNBytes(maxBodyBytes);
      }
      return new Response(response.statusCode(), response.headers().map(), bytes, elapsed(start));
    } catch (HttpTimeoutException e) {
      throw new Failed("timed out after " + timeout.toMillis() + " ms", false, elapsed(start));
    } catch (IOException e) {
      throw new Failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()), false, elapsed(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed("interrupted", false, elapsed(start));
    }
  }

  /** One client per TLS server name, so certificates are checked against the host the URL names. */
  private HttpClient client(String scheme, String host) {
    String key = scheme.equals("https") ? host.toLowerCase(Locale.ROOT) : "";
    if (clients.size() > 1_000) clients.clear(); // bounded: one client per recent TLS host
    return clients.computeIfAbsent(key, k -> {
      HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1);
      if (!k.isEmpty() && !k.contains(":") && !DOTTED_QUAD.matcher(k).matches()) {
        try {
          SSLParameters params = SSLContext.getDefault().getDefaultSSLParameters();
          params.setServerNames(List.of(new SNIHostName(k)));
          builder.sslParameters(params);
        } catch (java.security.NoSuchAlgorithmException e) {
          throw new IllegalStateException(e);
        }
      }
      return builder.build();
    });
  }

  private static Failed refused(String message, long start) { return new Failed(message, true, elapsed(start)); }

  private static long elapsed(long start) { return (System.nanoTime() - start) / 1_000_000; }
}
