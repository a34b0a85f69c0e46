package org.switchboard.net;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.SocketAddressResolver;

/**
 * Outbound HTTP that cannot be steered to private addresses. The check runs inside the client's own name
 * resolution, on exactly the addresses it then connects to, so a DNS answer that changes between a check and the
 * connection (rebinding) cannot slip through. Redirects are never followed. Built on Jetty's client; see
 * docs/decisions.md for why not java.net.http.
 */
public final class SafeHttp implements AutoCloseable {
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

  private static final class Refused extends UnknownHostException {
    Refused(String message) { super(message); }
  }

  private final AddressPolicy policy;
  private final int maxBodyBytes;
  private final HttpClient client = new HttpClient();

  public SafeHttp(AddressPolicy policy, Duration connectTimeout, int maxBodyBytes) {
    this.policy = policy;
    this.maxBodyBytes = maxBodyBytes;
    client.setFollowRedirects(false);
    client.setConnectTimeout(connectTimeout.toMillis());
    client.setIdleTimeout(60_000);
    client.setMaxConnectionsPerDestination(512);
    client.setUserAgentField(new HttpField("User-Agent", "Switchboard"));
    // Virtual threads for the client's selector and its callbacks: every call's caller is a virtual thread already,
    // and a hop between virtual threads costs less than a wake-up of a pooled platform thread: about half the CPU
    // per request in bench/outbound (docs/decisions.md).
    org.eclipse.jetty.util.thread.VirtualThreadPool threads = new org.eclipse.jetty.util.thread.VirtualThreadPool();
    threads.setName("outbound-http");
    client.setExecutor(threads);
    client.setSocketAddressResolver(this::resolve);
    try {
      client.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the outbound HTTP client", e);
    }
  }

  /** Resolves and checks every address; the client connects only to what this returns. */
  private void resolve(String host, int port, Map<String, Object> context, Promise<List<InetSocketAddress>> promise) {
    try {
      InetAddress[] all = InetAddress.getAllByName(host);
      List<InetSocketAddress> out = new ArrayList<>(all.length);
      for (InetAddress a : all) {
        if (!policy.allowPrivate() && AddressPolicy.isPrivate(a)) {
          promise.failed(new Refused(host + " resolves to " + a.getHostAddress()
              + ", a private address; set SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE=true to allow it"));
          return;
        }
        out.add(new InetSocketAddress(a, port));
      }
      promise.succeeded(out);
    } catch (UnknownHostException e) {
      promise.failed(new UnknownHostException("cannot resolve " + host));
    }
  }

  public Response send(String method, URI url, Map<String, String> headers, byte[] body, Duration timeout) throws Failed {
    long start = System.nanoTime();
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) throw refused("only http and https URLs are allowed", start);
    String host = url.getHost();
    if (host == null || host.isEmpty()) throw refused("the URL has no host", start);
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (NUMERIC_HOST.matcher(bare).matches() && !DOTTED_QUAD.matcher(bare).matches() && !bare.contains(":")) {
      throw refused("'" + host + "' is an ambiguous numeric address; write it as a.b.c.d", start);
    }
    // No request timeout of the client's own: the caller's timed wait below is the deadline, and it aborts the
    // exchange. One timer per call instead of two.
    Request request = client.newRequest(url).method(method.toUpperCase(Locale.ROOT));
    String contentType = null;
    for (var h : headers.entrySet()) {
      if (h.getKey().equalsIgnoreCase("content-type")) contentType = h.getValue();
      else request.headers(fields -> fields.put(h.getKey(), h.getValue()));
    }
    if (body != null) request.body(new BytesRequestContent(contentType, body));
    Collected listener = new Collected(maxBodyBytes);
    request.send(listener);
    try {
      Result result = listener.done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      org.eclipse.jetty.client.Response response = result.getResponse();
      Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
      for (HttpField f : response.getHeaders()) {
        responseHeaders.computeIfAbsent(f.getName().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(f.getValue());
      }
      return new Response(response.getStatus(), responseHeaders, listener.body.toByteArray(), elapsed(start));
    } catch (TimeoutException e) {
      request.abort(e);
      throw new Failed("timed out after " + timeout.toMillis() + " ms", false, elapsed(start));
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      for (Throwable t = cause; t != null; t = t.getCause()) {
        if (t instanceof Refused r) throw new Failed(r.getMessage(), true, elapsed(start));
        if (t instanceof TimeoutException) throw new Failed("timed out after " + timeout.toMillis() + " ms", false, elapsed(start));
      }
      throw new Failed(describe(cause), false, elapsed(start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      request.abort(e);
      throw new Failed("interrupted", false, elapsed(start));
    }
  }

  /**
   * Keeps the first {@code maxBytes} of the body (the rest is read and dropped) and completes once the exchange is
   * over, in the client's own thread: the caller is woken once, not once for the headers and again for the body.
   */
  private static final class Collected implements org.eclipse.jetty.client.Response.Listener {
    final CompletableFuture<Result> done = new CompletableFuture<>();
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final int maxBytes;

    Collected(int maxBytes) { this.maxBytes = maxBytes; }

    @Override
    public void onContent(org.eclipse.jetty.client.Response response, ByteBuffer content) {
      int keep = Math.min(content.remaining(), maxBytes - body.size());
      if (keep <= 0) return;
      byte[] chunk = new byte[keep];
      content.get(chunk);
      body.write(chunk, 0, keep);
    }

    @Override
    public void onComplete(Result result) {
      if (result.isFailed()) done.completeExceptionally(result.getFailure());
      else done.complete(result);
    }
  }

  private static String describe(Throwable t) {
    return t == null ? "failed" : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
  }

  private static Failed refused(String message, long start) { return new Failed(message, true, elapsed(start)); }

  private static long elapsed(long start) { return (System.nanoTime() - start) / 1_000_000; }

  @Override
  public void close() {
    try {
      client.stop();
    } catch (Exception ignored) {
      // shutting down
    }
  }
}
