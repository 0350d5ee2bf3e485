package io.inferlens.sample.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Turns the gateway's failures into OpenAI-shaped error bodies. Their content type is set
 * to JSON whatever the request accepts, so that a client asking for a stream
 * ({@code Accept: text/event-stream}) gets the error's status and body, not a 406 or a
 * 500 from content negotiation. Failures in the middle of a stream become the data of its
 * error event ({@link #body}).
 *
 * @author Inferlens
 */
@RestControllerAdvice(assignableTypes = ChatController.class)
public class GatewayErrorHandler {

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> invalidRequest(InvalidRequestException ex) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", ex.getMessage(), ex.getParam());
    }

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> invalidBody(MethodArgumentNotValidException ex) {
        FieldError field = ex.getBindingResult().getFieldError();
        String param = (field != null) ? field.getField() : null;
        String message = (field != null) ? field.getField() + " " + field.getDefaultMessage() : "Invalid request";
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error", message, param);
    }

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> unreadableBody(HttpMessageNotReadableException ex) {
        return error(HttpStatus.BAD_REQUEST, "invalid_request_error",
                "The request body is not valid JSON for a chat request", null);
    }

    /**
     * A backend that rejects the request as the client sent it (400, 404, 413, 422) or
     * limits its rate (429) is answered in kind; anything else, its own authentication
     * failures included, is the gateway's problem: 502.
     */
    @ExceptionHandler
    ResponseEntity<Map<String, Object>> backendFailed(BackendException ex) {
        return switch (ex.getBackendStatus()) {
            case 400, 404, 413, 422 -> error(HttpStatus.BAD_REQUEST, "invalid_request_error", ex.getMessage(), null);
            case 429 -> error(HttpStatus.TOO_MANY_REQUESTS, "rate_limit_error", ex.getMessage(), null);
            default -> error(HttpStatus.BAD_GATEWAY, "upstream_error", ex.getMessage(), null);
        };
    }

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> modelUnavailable(ModelUnavailableException ex) {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "service_unavailable", ex.getMessage(), null);
    }

    @ExceptionHandler
    ResponseEntity<Map<String, Object>> unsupportedMediaType(HttpMediaTypeNotSupportedException ex) {
        return error(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "invalid_request_error",
                "Send the chat request as Content-Type: application/json", null);
    }

    /**
     * The error body of a failure, for a stream that has already started.
     * @param ex the failure
     * @return the OpenAI-shaped error body
     */
    public Map<String, Object> body(RuntimeException ex) {
        ResponseEntity<Map<String, Object>> response;
        if (ex instanceof BackendException backend) {
            response = backendFailed(backend);
        }
        else if (ex instanceof ModelUnavailableException unavailable) {
            response = modelUnavailable(unavailable);
        }
        else if (ex instanceof InvalidRequestException invalid) {
            response = invalidRequest(invalid);
        }
        else {
            // not a message of ours: it may say more than a client should read
            response = error(HttpStatus.INTERNAL_SERVER_ERROR, "server_error", "The gateway failed", null);
        }
        Map<String, Object> body = response.getBody();
        return (body != null) ? body : Map.of();
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String type, @Nullable String message,
            @Nullable String param) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", type);
        error.put("param", param);
        error.put("code", null);
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", error));
    }

}
