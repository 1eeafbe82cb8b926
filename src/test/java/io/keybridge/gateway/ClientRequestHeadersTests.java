package io.keybridge.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientRequestHeadersTests {

    private static ClientRequestHeaders headers(int depth) {
        return new ClientRequestHeaders(new GatewayProperties(
                "policies/routes", "X-API-Key", "X-Forwarded-For", depth, new GatewayProperties.Grpc(-1, "127.0.0.1")));
    }

    @Test
    void theAddressIsTheEntryTheGatewayAppendedNotWhatTheClientWrote() {
        assertThat(headers(1).source(List.of("203.0.113.9, 10.0.0.1", "192.0.2.7")))
                .isEqualTo("192.0.2.7");
        assertThat(headers(2).source(List.of("203.0.113.9, 10.0.0.1, 192.0.2.7")))
                .isEqualTo("10.0.0.1");
        assertThat(headers(3).source(List.of("10.0.0.1")))
                .as("fewer entries than the depth")
                .isNull();
        assertThat(headers(1).source(List.of("evil.example.com")))
                .as("never a host name")
                .isNull();
        assertThat(headers(1).source(List.of("010.0.0.1")))
                .as("no leading zeros")
                .isNull();
        assertThat(headers(1).source(List.of())).isNull();
        assertThat(headers(1).source(List.of("1.2.3.4,".repeat(400))))
                .as("bounded")
                .isNull();
    }

    @Test
    void theKeyComesFromItsHeaderElseFromABearerAuthorization() {
        Map<String, String> both = Map.of("X-API-Key", " ee_live_a ", "Authorization", "Bearer user-jwt");
        Map<String, String> bearer = Map.of("Authorization", "bearer ee_live_b");
        Map<String, String> basic = Map.of("Authorization", "Basic dXNlcjpwdw==");

        assertThat(headers(1).key(both::get))
                .isEqualTo(new ClientRequestHeaders.PresentedKey("ee_live_a", "X-API-Key"));
        assertThat(headers(1).key(bearer::get))
                .isEqualTo(new ClientRequestHeaders.PresentedKey("ee_live_b", "Authorization"));
        assertThat(headers(1).key(basic::get)).isNull();
    }

    @Test
    void identityHeaderValuesArePrintableAsciiAndAuditedPathsHoldNoSecretShapedRun() {
        assertThat(AuthzDecision.headerValue("Müller sync 100%")).isEqualTo("M%C3%BCller sync 100%25");
        assertThat(AuthzDecision.headerValue("line\r\nX-Injected: 1")).isEqualTo("line%0D%0AX-Injected: 1");
        assertThat(GatewayAuthorizer.abbreviate("/v1/keys/ee_live_" + "a".repeat(49) + "/x"))
                .isEqualTo("/v1/keys/…/x");
        assertThat(GatewayAuthorizer.abbreviate("/v1/" + "x/".repeat(200))).hasSizeLessThanOrEqualTo(201);
    }
}
