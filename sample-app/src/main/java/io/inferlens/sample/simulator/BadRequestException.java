package io.inferlens.sample.simulator;

import org.jspecify.annotations.Nullable;

/**
 * A request the simulated model rejects with HTTP 400, as OpenAI does an invalid one.
 *
 * @author Inferlens
 */
class BadRequestException extends RuntimeException {

    private final @Nullable String param;

    BadRequestException(String message, @Nullable String param) {
        super(message);
        this.param = param;
    }

    @Nullable String getParam() {
        return this.param;
    }

}
