package io.keybridge.web;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * What Tomcat answers itself, before any of keybridge's code runs (a {@code %00} in a path, a request line it cannot
 * parse): problem+json with the status Tomcat chose, instead of Tomcat's HTML page. Installed as the host's error
 * report valve by {@link TomcatErrors}. Public, with the implicit public constructor: Tomcat makes the valve by
 * reflection from its class name, and a package-private class silently left Tomcat's HTML page in place.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String body = "{\"type\":\"urn:keybridge:problem:" + (status >= 500 ? "internal" : "bad-request")
                + "\",\"title\":\"" + (status >= 500 ? "Internal error" : "Bad request") + "\",\"status\":" + status
                + ",\"detail\":\"" + (status >= 500 ? "keybridge failed unexpectedly." : "The request is malformed.")
                + "\"}";
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response was committed meanwhile: nothing more to say
        }
    }
}
