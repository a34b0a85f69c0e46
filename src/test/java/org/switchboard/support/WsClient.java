package org.switchboard.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A real WebSocket client (java.net.http) that queues every text frame and records the close status. */
public final class WsClient implements AutoCloseable {
  public final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  public final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final HttpClient client = HttpClient.newHttpClient();
  private final WebSocket socket;

  public WsClient(String url) throws Exception {
    socket = client.newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
      private final StringBuilder partial = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
          received.add(partial.toString());
          partial.setLength(0);
        }
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
        closed.complete(status);
        return null;
      }
    }).get(10, TimeUnit.SECONDS);
  }

  public void send(String text) throws Exception { socket.sendText(text, true).get(5, TimeUnit.SECONDS); }

  /** The next text frame, or null after the timeout. */
  public String next(long timeoutMs) throws InterruptedException { return received.poll(timeoutMs, TimeUnit.MILLISECONDS); }

  public int closeStatus() throws Exception { return closed.get(10, TimeUnit.SECONDS); }

  /** The close code if the server closed within the time, else null (still open). */
  public Integer closeStatusWithin(long millis) throws Exception {
    try {
      return closed.get(millis, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException open) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      if (!closed.isDone()) socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
    } catch (Exception ignored) {
      // already gone
    }
    client.shutdownNow();
  }
}
