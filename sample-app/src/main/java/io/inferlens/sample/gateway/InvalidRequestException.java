package io.inferlens.sample.gateway;

/**
 * A chat request the gateway cannot serve as sent.
 *
 * @author Inferlens
 */
public class InvalidRequestException extends RuntimeException {

    private final String param;

    public InvalidRequestException(String param, String message) {
        super(message);
        this.param = param;
    }

    /**
     * Request field at fault.
     * @return the field
     */
    public String getParam() {
        return this.param;
    }

}
