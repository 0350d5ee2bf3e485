package io.inferlens.sample.gateway;

import jakarta.validation.Valid;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The gateway's OpenAI-compatible chat completions endpoint.
 *
 * @author Inferlens
 */
@RestController
public class ChatController {

    private final ChatRouter router;

    public ChatController(ChatRouter router) {
        this.router = router;
    }

    @PostMapping("/v1/chat/completions")
    public ResponseEntity<ChatCompletionResponse> complete(@Valid @RequestBody ChatCompletionRequest request) {
        if (Boolean.TRUE.equals(request.stream())) {
            throw new InvalidRequestException("stream",
                    "Streaming is not supported by this gateway: send \"stream\": false");
        }
        RoutedCompletion routed = this.router.route(request);
        return ResponseEntity.ok()
            .header("X-Gateway-Model", routed.decision().model())
            .header("X-Gateway-Route", routed.decision().tier())
            .body(routed.response());
    }

}
