package io.keybridge.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.keybridge.audit.AuditLog;
import io.keybridge.security.ApiTokens;
import io.keybridge.security.Role;
import io.keybridge.security.SingleSignOn;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.ui.ExtendedModelMap;

class SignInControllerTests {

    private final ApiTokens tokens = mock(ApiTokens.class);
    private final SecurityContextRepository sessions = mock(SecurityContextRepository.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final SingleSignOn sso = mock(SingleSignOn.class);
    private final SignInController controller = new SignInController(tokens, sessions, audit, sso);

    @Test
    void withTokenSignInTurnedOffAnOperatorTokenIsRefusedAndAudited() {
        when(sso.enabled()).thenReturn(true);
        when(sso.tokenSignIn()).thenReturn(false);
        when(tokens.find("valid")).thenReturn(Optional.of(new ApiTokens.Caller("oncall", Set.of(Role.ADMIN))));
        MockHttpServletResponse response = new MockHttpServletResponse();
        ExtendedModelMap model = new ExtendedModelMap();

        String view = controller.signIn("valid", new MockHttpServletRequest(), response, model);

        assertThat(view).isEqualTo("dashboard/login");
        assertThat(response.getStatus()).isEqualTo(403);
        assertThat(model.get("error").toString()).contains("use single sign-on");
        assertThat(model.get("tokenSignIn")).isEqualTo(false);
        verify(audit).recordRefusal("anonymous", "dashboard.sign-in", null, "token sign-in is off");
        verify(sessions, never()).saveContext(any(), any(), any());
        verify(tokens, never()).find(anyString());
    }

    @Test
    void theSignInPageOffersWhatIsOn() {
        when(sso.enabled()).thenReturn(true);
        when(sso.tokenSignIn()).thenReturn(true);
        ExtendedModelMap model = new ExtendedModelMap();
        assertThat(controller.signInPage(model)).isEqualTo("dashboard/login");
        assertThat(model.get("sso")).isEqualTo(true);
        assertThat(model.get("tokenSignIn")).isEqualTo(true);
        assertThat(model.get("ssoPath")).isEqualTo("/oauth2/authorization/keybridge");
    }
}
