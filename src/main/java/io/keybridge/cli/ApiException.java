package io.keybridge.cli;

/** keybridge refused or failed a request; the message is the problem's title and detail, for the terminal. */
class ApiException extends RuntimeException {

    private final int exitCode;

    ApiException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
