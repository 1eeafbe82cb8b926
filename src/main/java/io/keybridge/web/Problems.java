package io.keybridge.web;

import java.util.List;
import org.slf4j.MDC;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/** RFC 9457 problems as keybridge writes them: a stable type, a title, the detail and the request id. */
public final class Problems {

    private Problems() {}

    public static ProblemDetail of(HttpStatus status, String slug, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(ProblemTypes.of(slug));
        problem.setTitle(title);
        String requestId = MDC.get(RequestIdFilter.MDC_KEY);
        if (requestId != null) {
            problem.setProperty("requestId", requestId);
        }
        return problem;
    }

    /** {@code 400 validation}, with every broken rule under {@code errors}. */
    public static ProblemDetail validation(List<FieldProblem> problems) {
        String detail = problems.stream()
                .map(FieldProblem::message)
                .reduce((a, b) -> a + "; " + b)
                .orElse("");
        ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "validation", "Invalid request", detail);
        problem.setProperty("errors", problems);
        return problem;
    }
}
