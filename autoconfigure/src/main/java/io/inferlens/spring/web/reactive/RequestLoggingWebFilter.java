package io.inferlens.spring.web.reactive;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.inferlens.spring.web.LoggedRequest;
import io.inferlens.spring.web.RequestLogWriter;
import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.web.CapturedBody;
import io.inferlens.web.RequestIds;
import io.inferlens.web.RequestLogKeys;
import io.inferlens.web.RequestLogMasker;
import io.inferlens.web.TracingIds;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Writes one log line per HTTP request of a Spring WebFlux application, the same line as
 * the servlet stack's {@code RequestLoggingFilter} (see {@link RequestLogWriter}):
 * method, path, route, status, duration, request id, trace and span ids, and optionally
 * the client address, query, chosen headers and bodies, with credentials masked.
 * <p>
 * The request id comes from the request id header when it is {@link RequestIds#isSafe
 * safe}, and is otherwise generated. Before the rest of the chain runs it is set in the
 * response header, put in the exchange attribute {@link #REQUEST_ID_ATTRIBUTE} and added
 * to the HTTP server observation that Spring's {@code HttpWebHandlerAdapter} makes of the
 * exchange, as the high-cardinality key {@value RequestLogKeys#REQUEST_ID}. Trace and
 * span ids are those of that observation's span.
 * <p>
 * The line is written once, when the exchange ends: when the response is complete (for a
 * stream of server-sent events, after its last event), when it fails, or when the client
 * goes away, which the line says with {@code cancelled}
 * ({@value RequestLogKeys#CANCELLED} as a field). A cancelled request is logged whatever
 * its status. An exception that ends the exchange is logged with the status Spring's
 * exception handlers answer it with; its type is on the line when that is a server error,
 * or when it broke off a response already on its way. Bodies are captured as they go
 * through, without delaying a stream. Nothing that goes wrong in logging fails the
 * request.
 *
 * @author Inferlens
 */
public class RequestLoggingWebFilter implements WebFilter, Ordered {

    /**
     * Exchange attribute holding the request id.
     */
    public static final String REQUEST_ID_ATTRIBUTE = RequestLoggingWebFilter.class.getName() + ".requestId";

    /**
     * Default order of the filter: before Spring Security's (at {@code -100}), so that
     * rejected requests are logged too.
     */
    public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

    private static final boolean TRACING_PRESENT = ClassUtils.isPresent(
            "io.micrometer.tracing.handler.TracingObservationHandler", RequestLoggingWebFilter.class.getClassLoader());

    private final RequestLoggingOptions options;

    private final RequestLogWriter writer;

    private int order = DEFAULT_ORDER;

    /**
     * Create a filter.
     * @param options what to log
     */
    public RequestLoggingWebFilter(RequestLoggingOptions options) {
        this.options = options;
        this.writer = new RequestLogWriter(options);
    }

    /**
     * The options of this filter.
     * @return the options
     */
    public RequestLoggingOptions getOptions() {
        return this.options;
    }

    @Override
    public int getOrder() {
        return this.order;
    }

    public void setOrder(int order) {
        this.order = order;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        if (isExcluded(exchange)) {
            return chain.filter(exchange);
        }
        return Mono.deferContextual((context) -> {
            Exchange logged = start(exchange, context);
            return chain.filter(logged.exchange)
                .doOnSuccess((done) -> logged.finish(null, false))
                .doOnError((ex) -> logged.finish(ex, false))
                .doOnCancel(() -> logged.finish(null, true));
        });
    }

    private boolean isExcluded(ServerWebExchange exchange) {
        try {
            return this.options.isExcluded(exchange.getRequest().getPath().pathWithinApplication().value());
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("matching excluded paths", ex);
            return false;
        }
    }

    private Exchange start(ServerWebExchange exchange, ContextView context) {
        long startNanos = System.nanoTime();
        String requestId;
        try {
            requestId = RequestIds
                .resolve(Collections.enumeration(exchange.getRequest().getHeaders().getOrEmpty(headerName())));
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("reading the request id header of " + describe(exchange), ex);
            requestId = RequestIds.generate();
        }
        Exchange logged = new Exchange(startNanos, requestId, exchange);
        try {
            exchange.getResponse().getHeaders().set(headerName(), requestId);
            exchange.getAttributes().put(REQUEST_ID_ATTRIBUTE, requestId);
            ServerRequestObservationContext serverObservation = ReactiveRequests.observation(exchange);
            Observation.Context observation = (serverObservation != null) ? serverObservation
                    : ReactiveRequests.observation(context);
            if (observation != null) {
                observation.addHighCardinalityKeyValue(KeyValue.of(RequestLogKeys.REQUEST_ID, requestId));
                if (TRACING_PRESENT) {
                    logged.traceId = TracingIds.traceId(observation);
                    logged.spanId = TracingIds.spanId(observation);
                }
            }
            logged.decorate();
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("starting " + describe(exchange), ex);
        }
        return logged;
    }

    private String headerName() {
        return this.options.getRequestIdHeader();
    }

    private static String describe(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        return request.getMethod().name() + " " + request.getPath().value();
    }

    /**
     * One exchange, from the filter to its end.
     */
    private final class Exchange implements LoggedRequest {

        final long startNanos;

        final String requestId;

        final ServerWebExchange original;

        ServerWebExchange exchange;

        @Nullable String traceId;

        @Nullable String spanId;

        @Nullable CapturedBody requestBody;

        @Nullable CapturedBody responseBody;

        @Nullable WatchedResponse response;

        private final AtomicBoolean logged = new AtomicBoolean();

        Exchange(long startNanos, String requestId, ServerWebExchange exchange) {
            this.startNanos = startNanos;
            this.requestId = requestId;
            this.original = exchange;
            this.exchange = exchange;
        }

        /**
         * Decorate the exchange: the response always, to see a client go away; the
         * request when its body is logged.
         */
        void decorate() {
            RequestLoggingOptions options = RequestLoggingWebFilter.this.options;
            ServerWebExchange.Builder builder = this.original.mutate();
            if (options.isIncludeRequestBody()) {
                CapturedBody body = new CapturedBody(options.getMaxBodySize());
                this.requestBody = body;
                builder.request(new CapturingRequest(this.original.getRequest(), body));
            }
            if (options.isIncludeResponseBody()) {
                this.responseBody = new CapturedBody(options.getMaxBodySize());
            }
            this.response = new WatchedResponse(this.original.getResponse(), this.responseBody);
            this.exchange = builder.response(this.response).build();
        }

        /**
         * Log the exchange, once, whichever of completion, error and cancellation comes
         * first.
         */
        void finish(@Nullable Throwable error, boolean cancelled) {
            if (!this.logged.compareAndSet(false, true)) {
                return;
            }
            try {
                long nanos = System.nanoTime() - this.startNanos;
                ServerHttpResponse response = this.original.getResponse();
                boolean disconnected = error != null && ReactiveRequests.isClientDisconnected(error);
                int status = (error != null && !disconnected) ? ReactiveRequests.status(response, error)
                        : ReactiveRequests.status(response);
                Throwable logged = (error != null && !disconnected && (status >= 500 || response.isCommitted())) ? error
                        : null;
                boolean abandoned = this.response != null && this.response.abandoned;
                RequestLoggingWebFilter.this.writer.write(this, status, nanos, ReactiveRequests.route(this.original),
                        logged, cancelled || disconnected || abandoned);
            }
            catch (RuntimeException | LinkageError ex) {
                RequestLoggingWebFilter.this.writer.failed(describe(this.original), ex);
            }
        }

        @Override
        public String method() {
            return this.original.getRequest().getMethod().name();
        }

        @Override
        public String path() {
            return this.original.getRequest().getPath().value();
        }

        @Override
        public @Nullable String query() {
            return this.original.getRequest().getURI().getRawQuery();
        }

        @Override
        public String requestId() {
            return this.requestId;
        }

        @Override
        public @Nullable String traceId() {
            return this.traceId;
        }

        @Override
        public @Nullable String spanId() {
            return this.spanId;
        }

        @Override
        public @Nullable String clientAddress() {
            InetSocketAddress address = this.original.getRequest().getRemoteAddress();
            if (address == null) {
                return null;
            }
            InetAddress resolved = address.getAddress();
            return (resolved != null) ? resolved.getHostAddress() : address.getHostString();
        }

        @Override
        public List<String> headerValues(String name) {
            return this.original.getRequest().getHeaders().getOrEmpty(name);
        }

        @Override
        public @Nullable String requestBody(RequestLogMasker masker) {
            return (this.requestBody != null) ? this.requestBody
                .text(this.original.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE), masker) : null;
        }

        @Override
        public @Nullable String responseBody(RequestLogMasker masker) {
            return (this.responseBody != null) ? this.responseBody
                .text(this.original.getResponse().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE), masker) : null;
        }

    }

    /**
     * Keeps a copy of the first bytes of a body as its buffers go by.
     */
    private void capture(CapturedBody body, DataBuffer buffer) {
        if (body.isFull()) {
            return;
        }
        try (DataBuffer.ByteBufferIterator buffers = buffer.readableByteBuffers()) {
            while (buffers.hasNext() && !body.isFull()) {
                body.capture(buffers.next());
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("capturing a body", ex);
        }
    }

    /**
     * A request whose body is copied as it is read.
     */
    private final class CapturingRequest extends ServerHttpRequestDecorator {

        private final CapturedBody body;

        CapturingRequest(ServerHttpRequest delegate, CapturedBody body) {
            super(delegate);
            this.body = body;
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return super.getBody().doOnNext((buffer) -> capture(this.body, buffer));
        }

    }

    /**
     * A response that sees its client go away: the server cancels the body it was
     * writing, and may then end the exchange as if it had completed. Its body is copied
     * as it is written when it is logged, each buffer passed on at once.
     */
    private final class WatchedResponse extends ServerHttpResponseDecorator {

        private final @Nullable CapturedBody body;

        volatile boolean abandoned;

        WatchedResponse(ServerHttpResponse delegate, @Nullable CapturedBody body) {
            super(delegate);
            this.body = body;
        }

        @Override
        public Mono<Void> writeWith(Publisher<? extends DataBuffer> body) {
            // A Mono stays one, so that the server can still send a Content-Length.
            if (body instanceof Mono<? extends DataBuffer> single) {
                AtomicBoolean written = new AtomicBoolean();
                return super.writeWith(single.doOnNext((buffer) -> {
                    written.set(true);
                    capture(buffer);
                }).doOnCancel(() -> this.abandoned |= !written.get()));
            }
            return super.writeWith(watch(body));
        }

        @Override
        public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
            return super.writeAndFlushWith(Flux.from(body).map(this::watch).doOnCancel(() -> this.abandoned = true));
        }

        private Flux<? extends DataBuffer> watch(Publisher<? extends DataBuffer> body) {
            return Flux.from(body).doOnNext(this::capture).doOnCancel(() -> this.abandoned = true);
        }

        private void capture(DataBuffer buffer) {
            if (this.body != null) {
                RequestLoggingWebFilter.this.capture(this.body, buffer);
            }
        }

    }

}
