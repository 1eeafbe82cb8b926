package io.keybridge.dashboard;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.Outcome;
import io.keybridge.security.ApiTokens;
import io.keybridge.security.Role;
import io.keybridge.security.SingleSignOn;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * Exchanges an operator token (the same tokens the API takes) for a session. A VERIFIER token is the gateway's and
 * has nothing to see here, so it is refused.
 */
@Controller
class SignInController {

    private final ApiTokens tokens;
    private final SecurityContextRepository sessions;
    private final AuditLog audit;
    private final SingleSignOn sso;

    SignInController(ApiTokens tokens, SecurityContextRepository dashboardSessions, AuditLog audit, SingleSignOn sso) {
        this.sso = sso;
        this.tokens = tokens;
        this.sessions = dashboardSessions;
        this.audit = audit;
    }

    @GetMapping("/")
    String home() {
        return "redirect:/ui/keys";
    }

    @GetMapping("/login")
    String signInPage(Model model) {
        signInChoices(model);
        return "dashboard/login";
    }

    private void signInChoices(Model model) {
        model.addAttribute("sso", sso.enabled());
        model.addAttribute("tokenSignIn", sso.tokenSignIn());
        model.addAttribute("ssoPath", "/oauth2/authorization/" + SingleSignOn.REGISTRATION);
    }

    @PostMapping("/login")
    String signIn(
            @RequestParam(defaultValue = "") String token,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        signInChoices(model);
        if (!sso.tokenSignIn()) {
            audit.recordRefusal("anonymous", "dashboard.sign-in", null, "token sign-in is off");
            response.setStatus(HttpServletResponse.SC_FORBIDDEN);
            model.addAttribute("error", "Signing in with a token is turned off here: use single sign-on.");
            return "dashboard/login";
        }
        Optional<ApiTokens.Caller> caller = token.isBlank() ? Optional.empty() : tokens.find(token.strip());
        Optional<ApiTokens.Caller> operator =
                caller.filter(c -> c.roles().stream().anyMatch(role -> role != Role.VERIFIER));
        if (operator.isEmpty()) {
            audit.recordRefusal(
                    "anonymous", "dashboard.sign-in", null, caller.isPresent() ? "gateway token" : "unknown token");
            response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            model.addAttribute(
                    "error",
                    caller.isPresent()
                            ? "That token only verifies keys (VERIFIER): sign in with an ADMIN, RESPONDER or AUDITOR token."
                            : "Unknown token.");
            return "dashboard/login";
        }
        // a new session for the signed-in operator: whatever session id existed before is not carried over
        @Nullable HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        request.getSession(true);
        var authorities = operator.get().roles().stream()
                .map(role -> new SimpleGrantedAuthority("ROLE_" + role.name()))
                .toList();
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(
                UsernamePasswordAuthenticationToken.authenticated(operator.get().name(), null, authorities));
        SecurityContextHolder.setContext(context);
        sessions.saveContext(context, request, response);
        audit.record(operator.get().name(), "dashboard.sign-in", null, Outcome.SUCCESS, "operator token");
        return "redirect:/ui/keys";
    }
}
