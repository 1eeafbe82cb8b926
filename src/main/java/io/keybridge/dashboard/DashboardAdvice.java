package io.keybridge.dashboard;

import io.keybridge.audit.ReadableOwners;
import io.keybridge.findings.FindingNotFoundException;
import io.keybridge.findings.Findings;
import io.keybridge.findings.Severity;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.security.KeyAccess;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.ui.Model;
import org.springframework.validation.BindException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * What every page needs (who is signed in), and an error page instead of the API's problem+json. Ordered ahead of the
 * API's handler, which would otherwise answer the dashboard's errors too.
 */
@ControllerAdvice(basePackageClasses = DashboardAdvice.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DashboardAdvice {

    private static final Logger log = LoggerFactory.getLogger(DashboardAdvice.class);
    private static final Times TIMES = new Times();
    private static final Suggestions SUGGESTIONS = new Suggestions();

    private final Findings findings;
    private final ReadableOwners reach;

    DashboardAdvice(Findings findings, ReadableOwners reach) {
        this.findings = findings;
        this.reach = reach;
    }

    @ModelAttribute("who")
    Operator who(Authentication authentication) {
        return Operator.of(authentication);
    }

    @ModelAttribute("fmt")
    Times times() {
        return TIMES;
    }

    @ModelAttribute("suggest")
    Suggestions suggestions() {
        return SUGGESTIONS;
    }

    /** The navigation's count: open findings of HIGH severity or worse about keys the person may read. */
    @ModelAttribute("openHigh")
    long openHigh(@Nullable Authentication authentication) {
        if (authentication == null || !authentication.isAuthenticated()) {
            return 0;
        }
        try {
            return findings.openCount(Severity.HIGH, reach.of(authentication).orElse(null));
        } catch (RuntimeException e) {
            log.warn("dashboard: could not count open findings: {}", e.toString());
            return 0; // a count is not worth failing a page over
        }
    }

    @ExceptionHandler({KeyNotFoundException.class, FindingNotFoundException.class})
    String notFound(Exception e, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NOT_FOUND);
        model.addAttribute("title", "Not found");
        model.addAttribute("message", e.getMessage());
        return errorPage(model);
    }

    @ExceptionHandler({
        IllegalArgumentException.class,
        NoResourceFoundException.class,
        TypeMismatchException.class,
        ServletRequestBindingException.class,
        BindException.class
    })
    String badRequest(Exception e, Model model, HttpServletResponse response) {
        response.setStatus(
                e instanceof NoResourceFoundException
                        ? HttpServletResponse.SC_NOT_FOUND
                        : HttpServletResponse.SC_BAD_REQUEST);
        model.addAttribute("title", e instanceof NoResourceFoundException ? "Not found" : "Bad request");
        model.addAttribute(
                "message",
                e instanceof IllegalArgumentException
                        ? e.getMessage()
                        : e instanceof NoResourceFoundException
                                ? "No such page."
                                : "The address holds a malformed value (an id or a page number, say).");
        return errorPage(model);
    }

    @ExceptionHandler(KeyAccess.KeyAccessDeniedException.class)
    String forbidden(KeyAccess.KeyAccessDeniedException e, Model model, HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        model.addAttribute("title", "Forbidden");
        model.addAttribute("message", e.getMessage());
        return errorPage(model);
    }

    @ExceptionHandler(ResponseStatusException.class)
    String status(ResponseStatusException e, Model model, HttpServletResponse response) {
        response.setStatus(e.getStatusCode().value());
        model.addAttribute("title", e.getStatusCode().value() == 404 ? "Not found" : "Refused");
        model.addAttribute("message", e.getReason() == null ? "" : e.getReason());
        return errorPage(model);
    }

    @ExceptionHandler(Exception.class)
    String unexpected(Exception e, Model model, HttpServletResponse response) {
        // the type only: a message could carry anything; the stack trace goes to the log
        log.error("dashboard request failed", e);
        response.setStatus(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
        model.addAttribute("title", "Something went wrong");
        model.addAttribute(
                "message",
                "keybridge could not complete this (" + e.getClass().getSimpleName()
                        + "); the log has the details. The key's page shows its current state.");
        return errorPage(model);
    }

    /** Exception handlers get a model of their own, without the attributes above: the error page needs them too. */
    private String errorPage(Model model) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        model.addAttribute("who", Operator.of(authentication));
        model.addAttribute("fmt", TIMES);
        model.addAttribute("suggest", SUGGESTIONS);
        model.addAttribute("openHigh", openHigh(authentication));
        return "dashboard/error";
    }
}
