package io.inferlens.sample;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import com.google.protobuf.ByteString;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

/**
 * A test double of an OTLP trace receiver (an OpenTelemetry Collector, say): no OTLP
 * backend can be installed on the machines these tests run on, so this one decodes what
 * the real OpenTelemetry exporter sends with the protocol's own generated classes
 * ({@code io.opentelemetry.proto}) and records each export request with its headers. It
 * speaks OTLP over http/protobuf (a JDK {@link HttpServer} answering {@code POST
 * /v1/traces}, gzip-decoded when {@code Content-Encoding: gzip}) or over gRPC (a
 * grpc-java Netty server implementing {@code TraceService/Export}, cleartext HTTP/2), on
 * 127.0.0.1 and a free port.
 *
 * @author Inferlens
 */
final class OtlpTestReceiver implements AutoCloseable {

    static final String HTTP_TRACES_PATH = "/v1/traces";

    static final String GRPC_TRACES_PATH = "/" + TraceServiceGrpc.getExportMethod().getFullMethodName();

    private static final Context.Key<Map<String, List<String>>> HEADERS = Context.key("otlp-headers");

    private final List<Export> exports;

    private final Runnable stop;

    private final int port;

    private OtlpTestReceiver(List<Export> exports, int port, Runnable stop) {
        this.exports = exports;
        this.port = port;
        this.stop = stop;
    }

    /**
     * Start a receiver of OTLP over http/protobuf.
     * @return the running receiver
     * @throws IOException if the server cannot start
     */
    static OtlpTestReceiver httpProtobuf() throws IOException {
        List<Export> exports = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        server.setExecutor(executor);
        server.createContext("/", (exchange) -> handle(exchange, exports));
        server.start();
        return new OtlpTestReceiver(exports, server.getAddress().getPort(), () -> {
            server.stop(0);
            executor.shutdownNow();
        });
    }

    /**
     * Start a receiver of OTLP over gRPC.
     * @return the running receiver
     * @throws IOException if the server cannot start
     */
    static OtlpTestReceiver grpc() throws IOException {
        List<Export> exports = new CopyOnWriteArrayList<>();
        TraceServiceGrpc.TraceServiceImplBase service = new TraceServiceGrpc.TraceServiceImplBase() {

            @Override
            public void export(ExportTraceServiceRequest request,
                    StreamObserver<ExportTraceServiceResponse> responseObserver) {
                exports.add(new Export(GRPC_TRACES_PATH, HEADERS.get(), request));
                responseObserver.onNext(ExportTraceServiceResponse.getDefaultInstance());
                responseObserver.onCompleted();
            }

        };
        ServerInterceptor recordHeaders = new ServerInterceptor() {

            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                    ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(HEADERS, headers(headers)), call, headers,
                        next);
            }

        };
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(ServerInterceptors.intercept(service, recordHeaders))
            .build()
            .start();
        return new OtlpTestReceiver(exports, server.getPort(), () -> {
            try {
                server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        });
    }

    int port() {
        return this.port;
    }

    /**
     * Return the export requests received so far, in order.
     * @return the export requests
     */
    List<Export> exports() {
        return this.exports;
    }

    /**
     * Return every span received so far, with its resource.
     * @return the spans
     */
    List<ReceivedSpan> spans() {
        List<ReceivedSpan> spans = new ArrayList<>();
        for (Export export : this.exports) {
            for (ResourceSpans resourceSpans : export.request().getResourceSpansList()) {
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    for (Span span : scopeSpans.getSpansList()) {
                        spans.add(new ReceivedSpan(resourceSpans.getResource(), span));
                    }
                }
            }
        }
        return spans;
    }

    /**
     * Return the spans of one trace received so far.
     * @param traceId the trace id, in hex
     * @return the spans of the trace
     */
    List<ReceivedSpan> trace(String traceId) {
        return spans().stream().filter((span) -> span.traceId().equals(traceId)).toList();
    }

    @Override
    public void close() {
        this.stop.run();
    }

    private static void handle(HttpExchange exchange, List<Export> exports) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod()) || !HTTP_TRACES_PATH.equals(path)) {
                exports.add(new Export(path, headers(exchange), ExportTraceServiceRequest.getDefaultInstance()));
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            InputStream body = exchange.getRequestBody();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new GZIPInputStream(body);
            }
            exports.add(new Export(path, headers(exchange), ExportTraceServiceRequest.parseFrom(body)));
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, (response.length > 0) ? response.length : -1);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(response);
            }
        }
    }

    private static Map<String, List<String>> headers(HttpExchange exchange) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders()
            .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        return Collections.unmodifiableMap(headers);
    }

    private static Map<String, List<String>> headers(Metadata metadata) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : metadata.keys()) {
            if (!name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                Iterable<String> values = metadata.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
                List<String> list = new ArrayList<>();
                if (values != null) {
                    values.forEach(list::add);
                }
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(list));
            }
        }
        return Collections.unmodifiableMap(headers);
    }

    /**
     * One export request as received.
     *
     * @param path the request path (for gRPC, the method's path)
     * @param headers the request headers (gRPC metadata), names in lower case
     * @param request the decoded request
     */
    record Export(String path, Map<String, List<String>> headers, ExportTraceServiceRequest request) {

        String header(String name) {
            List<String> values = this.headers.get(name);
            return (values != null && !values.isEmpty()) ? values.get(0) : null;
        }

        int spanCount() {
            return this.request.getResourceSpansList()
                .stream()
                .flatMap((resourceSpans) -> resourceSpans.getScopeSpansList().stream())
                .mapToInt(ScopeSpans::getSpansCount)
                .sum();
        }

    }

    /**
     * A received span and the resource it was sent with.
     *
     * @param resource the resource
     * @param span the span
     */
    record ReceivedSpan(Resource resource, Span span) {

        String name() {
            return this.span.getName();
        }

        String traceId() {
            return hex(this.span.getTraceId());
        }

        String spanId() {
            return hex(this.span.getSpanId());
        }

        String parentSpanId() {
            return hex(this.span.getParentSpanId());
        }

        Span.SpanKind kind() {
            return this.span.getKind();
        }

        Map<String, AnyValue> attributes() {
            return attributes(this.span.getAttributesList());
        }

        Map<String, AnyValue> resourceAttributes() {
            return attributes(this.resource.getAttributesList());
        }

        private static Map<String, AnyValue> attributes(List<KeyValue> keyValues) {
            Map<String, AnyValue> attributes = new LinkedHashMap<>();
            keyValues.forEach((keyValue) -> attributes.put(keyValue.getKey(), keyValue.getValue()));
            return attributes;
        }

        private static String hex(ByteString bytes) {
            return HexFormat.of().formatHex(bytes.toByteArray());
        }

    }

}
