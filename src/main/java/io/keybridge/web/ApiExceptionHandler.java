package io.keybridge.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.FieldError;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Turns every error into RFC 9457 problem+json with a stable {@code type}, naming the field and the rule broken where
 * there is one. Messages are written here, never copied from parsers, so a value sent by a client (which might be a
 * secret sent in the wrong field) is never echoed back.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail illegalArgument(IllegalArgumentException e) {
        return validation(List.of(new FieldProblem(null, "invalid", e.getMessage())));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail typeMismatch(MethodArgumentTypeMismatchException e) {
        String expected = e.getRequiredType() == null ? "value" : describe(e.getRequiredType());
        return validation(List.of(new FieldProblem(e.getName(), "type", e.getName() + " must be " + expected)));
    }

    /** Tomcat refuses a query string it cannot split into parameters (e.g. {@code ?=1}): the client's fault. */
    @ExceptionHandler(org.apache.tomcat.util.http.InvalidParameterException.class)
    ProblemDetail malformedQuery(org.apache.tomcat.util.http.InvalidParameterException e) {
        return validation(List.of(new FieldProblem(null, "query", "the query string is malformed")));
    }

    /**
     * The database is unreachable (its connections broke, or none can be had within the pool's timeout). Verification
     * does not need it and goes on; everything else is refused, quickly and clearly, until it is back.
     */
    @ExceptionHandler({
        DataAccessResourceFailureException.class,
        CannotCreateTransactionException.class,
        TransactionSystemException.class
    })
    ResponseEntity<ProblemDetail> databaseUnavailable(Exception e) {
        log.warn(
                "database unavailable: {}",
                NestedExceptionUtils.getMostSpecificCause(e).toString());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "10")
                .body(problem(
                        HttpStatus.SERVICE_UNAVAILABLE,
                        "database-unavailable",
                        "Database unavailable",
                        "keybridge cannot reach its database, so the request was not carried out; keys already issued"
                                + " still verify. Try again in a few seconds."));
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e) {
        if (e instanceof ErrorResponse answered) {
            // an error that says how it is answered (a feature's own, or Spring's): as it says
            return ResponseEntity.status(answered.getStatusCode())
                    .headers(answered.getHeaders())
                    .body(withRequestId(answered.getBody()));
        }
        log.error("unexpected error", e);
        return ResponseEntity.internalServerError().body(internal());
    }

    /**
     * Every problem this advice answers carries the request id, also those of errors built where no request was in
     * view (a destination's thread, say).
     */
    @Override
    protected ResponseEntity<Object> createResponseEntity(
            @Nullable Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return super.createResponseEntity(
                body instanceof ProblemDetail problem ? withRequestId(problem) : body, headers, status, request);
    }

    private static ProblemDetail withRequestId(ProblemDetail problem) {
        String requestId = MDC.get(RequestIdFilter.MDC_KEY);
        if (requestId != null
                && (problem.getProperties() == null || !problem.getProperties().containsKey("requestId"))) {
            problem.setProperty("requestId", requestId);
        }
        return problem;
    }

    private static ProblemDetail internal() {
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "keybridge failed unexpectedly; the log has details under request id "
                        + MDC.get(RequestIdFilter.MDC_KEY));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        for (FieldError error : e.getBindingResult().getFieldErrors()) {
            problems.add(new FieldProblem(
                    error.getField(), rule(error.getCode()), error.getField() + " " + error.getDefaultMessage()));
        }
        e.getBindingResult()
                .getGlobalErrors()
                .forEach(error ->
                        problems.add(new FieldProblem(null, rule(error.getCode()), error.getDefaultMessage())));
        return ResponseEntity.badRequest().body(validation(problems));
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof RequestBodyLimitFilter.BodyTooLargeException tooLarge) {
                return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE)
                        .body(problem(
                                HttpStatus.CONTENT_TOO_LARGE,
                                "body-too-large",
                                "Request body too large",
                                "Request bodies may be at most " + tooLarge.limit() + " bytes."));
            }
            if (cause instanceof UnrecognizedPropertyException unknown) {
                String field = path(unknown);
                return ResponseEntity.badRequest()
                        .body(validation(List.of(new FieldProblem(
                                field,
                                "unknown-field",
                                "unknown field '" + unknown.getPropertyName() + "'; accepted: "
                                        + unknown.getKnownPropertyIds()))));
            }
            if (cause instanceof JacksonException jackson) {
                String field = path(jackson);
                String message = cause.getCause() instanceof IllegalArgumentException illegal
                        ? illegal.getMessage() // our own value types' messages, which never echo the input
                        : field == null ? "the body is not valid JSON" : field + " has the wrong type or format";
                return ResponseEntity.badRequest()
                        .body(validation(List.of(new FieldProblem(field, field == null ? "json" : "format", message))));
            }
            cause = cause.getCause();
        }
        return ResponseEntity.badRequest()
                .body(validation(List.of(new FieldProblem(null, "body-required", "a JSON request body is required"))));
    }

    private static @Nullable String path(JacksonException e) {
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference reference : e.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? null : path.toString();
    }

    private static ProblemDetail validation(List<FieldProblem> problems) {
        return Problems.validation(problems);
    }

    static ProblemDetail problem(HttpStatus status, String slug, String title, String detail) {
        return Problems.of(status, slug, title, detail);
    }

    private static String rule(@Nullable String code) {
        if (code == null) {
            return "invalid";
        }
        // NotBlank -> not-blank
        return code.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    private static String describe(Class<?> type) {
        if (type.isEnum()) {
            return "one of "
                    + String.join(
                            ", ",
                            java.util.Arrays.stream(type.getEnumConstants())
                                    .map(Object::toString)
                                    .map(value -> value.toLowerCase(Locale.ROOT))
                                    .toList());
        }
        return Map.of(
                        "UUID",
                        "a UUID",
                        "Instant",
                        "an ISO-8601 instant such as 2027-01-31T00:00:00Z",
                        "int",
                        "a whole number",
                        "Integer",
                        "a whole number")
                .getOrDefault(type.getSimpleName(), "a " + type.getSimpleName());
    }
}
