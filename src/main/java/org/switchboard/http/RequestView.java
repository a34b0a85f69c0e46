package org.switchboard.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;
import org.switchboard.model.Problem;

/**
 * What a route reads from a request, whether Javalin or a bare Jetty handler ({@link TriggerEndpoint}) carries it,
 * so that both run the same reading code ({@link Requests}).
 */
public interface RequestView {
  String header(String name);

  /** Every header field, names as sent. */
  void forEachHeader(BiConsumer<String, String> action);

  String queryParam(String name);

  Map<String, List<String>> queryParams();

  String contentType();

  /** The declared length of the body, or -1. */
  long contentLength();

  InputStream body() throws IOException;

  static RequestView of(Context ctx) {
    return new RequestView() {
      @Override
      public String header(String name) { return ctx.header(name); }

      @Override
      public void forEachHeader(BiConsumer<String, String> action) {
        var names = ctx.req().getHeaderNames();
        while (names.hasMoreElements()) {
          String name = names.nextElement();
          action.accept(name, ctx.req().getHeader(name));
        }
      }

      @Override
      public String queryParam(String name) { return ctx.queryParam(name); }

      @Override
      public Map<String, List<String>> queryParams() { return ctx.queryParamMap(); }

      @Override
      public String contentType() { return ctx.contentType(); }

      @Override
      public long contentLength() { return ctx.req().getContentLengthLong(); }

      @Override
      public InputStream body() { return ctx.bodyInputStream(); }
    };
  }

  static RequestView of(Request request) {
    return new RequestView() {
      private Fields query;

      private Fields query() {
        if (query == null) {
          try {
            query = Request.extractQueryParameters(request);
          } catch (RuntimeException e) { // a malformed percent-escape
            throw Problem.badRequest("the query string is not well-formed");
          }
        }
        return query;
      }

      @Override
      public String header(String name) { return request.getHeaders().get(name); }

      @Override
      public void forEachHeader(BiConsumer<String, String> action) {
        for (HttpField field : request.getHeaders()) action.accept(field.getName(), field.getValue());
      }

      @Override
      public String queryParam(String name) { return query().getValue(name); }

      @Override
      public Map<String, List<String>> queryParams() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Fields.Field field : query()) out.put(field.getName(), field.getValues());
        return out;
      }

      @Override
      public String contentType() { return request.getHeaders().get(HttpHeader.CONTENT_TYPE); }

      @Override
      public long contentLength() { return request.getLength(); }

      @Override
      public InputStream body() { return Content.Source.asInputStream(request); }
    };
  }
}
