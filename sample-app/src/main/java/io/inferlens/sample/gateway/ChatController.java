package io.inferlens.sample.gateway;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.validation.Valid;
import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's OpenAI-compatible chat completions endpoint. With {@code "stream": true}
 * the answer is a stream of server-sent events, as OpenAI's: {@code data: {chunk}} for
 * each chunk relayed from the backend as it arrives, then {@code data: [DONE]}. The usage
 * chunk is relayed only when the request asks for it with
 * {@code stream_options.include_usage}. A failure before the first chunk is answered as
 * any other, with its status and a JSON error body; a failure after it is an
 * {@code error} event in the stream, which then ends.
 *
 * @author Inferlens
 */
@RestController
public class ChatController {

    private static final ServerSentEvent<Object> DONE = ServerSentEvent.<Object>builder("[DONE]").build();

    private final ChatRouter router;

    private final GatewayErrorHandler errors;

    public ChatController(ChatRouter router, GatewayErrorHandler errors) {
        this.router = router;
        this.errors = errors;
    }

    @PostMapping("/v1/chat/completions")
    public ResponseEntity<?> complete(@Valid @RequestBody ChatCompletionRequest request) {
        if (request.streamed()) {
            return ResponseEntity.ok()
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .header("Cache-Control", "no-cache")
                .body(stream(request));
        }
        RoutedCompletion routed = this.router.route(request);
        return ResponseEntity.ok()
            .contentType(MediaType.APPLICATION_JSON)
            .header("X-Gateway-Model", routed.decision().model())
            .header("X-Gateway-Route", routed.decision().tier())
            .body(routed.response());
    }

    private Flux<ServerSentEvent<Object>> stream(ChatCompletionRequest request) {
        boolean includeUsage = request.includeUsage();
        AtomicBoolean started = new AtomicBoolean();
        return this.router.stream(request).<ServerSentEvent<Object>>handle((chunk, sink) -> {
            ChatCompletionChunk relayed = includeUsage ? chunk : chunk.withoutUsage();
            if (relayed != null) {
                started.set(true);
                sink.next(ServerSentEvent.<Object>builder(relayed).build());
            }
        })
            .concatWith(Flux.just(DONE))
            .onErrorResume((ex) -> started.get() && ex instanceof RuntimeException runtime
                    ? Flux.just(ServerSentEvent.<Object>builder(this.errors.body(runtime)).event("error").build())
                    : Flux.error(ex));
    }

}
