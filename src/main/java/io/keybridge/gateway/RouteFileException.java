package io.keybridge.gateway;

/** A route file breaks a rule; start-up stops with this message, which names the file and the line. */
class RouteFileException extends RuntimeException {

    RouteFileException(String where, String rule) {
        super("route file " + where + ": " + rule);
    }
}
