package io.keybridge.gateway;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.auth.v3.AttributeContext;
import io.envoyproxy.envoy.service.auth.v3.AuthorizationGrpc;
import io.envoyproxy.envoy.service.auth.v3.CheckRequest;
import io.envoyproxy.envoy.service.auth.v3.CheckResponse;
import io.envoyproxy.envoy.service.auth.v3.DeniedHttpResponse;
import io.envoyproxy.envoy.service.auth.v3.OkHttpResponse;
import io.envoyproxy.envoy.type.v3.HttpStatus;
import io.envoyproxy.envoy.type.v3.StatusCode;
import io.grpc.stub.StreamObserver;
import io.keybridge.web.ProblemTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Envoy's {@code envoy.service.auth.v3.Authorization/Check}: the same decision as forward-auth over HTTP. The route's
 * {@code context_extensions} may state the scopes ({@code scopes: "a,b"}); otherwise the route table decides. Allowed:
 * the identity headers, and the header the key came in removed. Refused: the status, {@code WWW-Authenticate} and
 * {@code Retry-After} where they apply, and the problem+json body, which Envoy sends the client as it is.
 */
class EnvoyAuthorizationService extends AuthorizationGrpc.AuthorizationImplBase {

    // google.rpc.Code
    private static final int OK = 0;
    private static final int PERMISSION_DENIED = 7;
    private static final int RESOURCE_EXHAUSTED = 8;
    private static final int INVALID_ARGUMENT = 3;
    private static final int UNAUTHENTICATED = 16;

    private final GatewayAuthorizer authorizer;
    private final ClientRequestHeaders clientHeaders;
    private final JsonMapper json;

    EnvoyAuthorizationService(GatewayAuthorizer authorizer, ClientRequestHeaders clientHeaders, JsonMapper json) {
        this.authorizer = authorizer;
        this.clientHeaders = clientHeaders;
        this.json = json;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> responses) {
        AttributeContext.HttpRequest http = request.getAttributes().getRequest().getHttp();
        // Envoy sends header names in lower case
        Map<String, String> headers = http.getHeadersMap();
        ClientRequestHeaders.PresentedKey key = clientHeaders.key(name -> headers.get(name.toLowerCase(Locale.ROOT)));
        String forwarded = headers.get(clientHeaders.addressHeader().toLowerCase(Locale.ROOT));
        String source = forwarded != null
                ? clientHeaders.source(List.of(forwarded))
                : clientHeaders.source(List.of(request.getAttributes()
                        .getSource()
                        .getAddress()
                        .getSocketAddress()
                        .getAddress()));
        Set<String> stated = AuthzCall.statedScopes(
                request.getAttributes().getContextExtensionsMap().get("scopes"));
        AuthzCall call = new AuthzCall(
                http.getMethod(),
                http.getHost().isEmpty() ? null : http.getHost(),
                http.getPath(),
                key == null ? null : key.value(),
                source,
                stated,
                GrpcCaller.current());
        responses.onNext(answer(authorizer.authorize(call), key));
        responses.onCompleted();
    }

    private CheckResponse answer(AuthzDecision decision, ClientRequestHeaders.@Nullable PresentedKey key) {
        if (decision instanceof AuthzDecision.Allow allow) {
            OkHttpResponse.Builder ok = OkHttpResponse.newBuilder();
            allow.headers().forEach((name, value) -> ok.addHeaders(header(name, value)));
            if (key != null) {
                ok.addHeadersToRemove(key.header().toLowerCase(Locale.ROOT));
            }
            return CheckResponse.newBuilder()
                    .setStatus(Status.newBuilder().setCode(OK))
                    .setOkResponse(ok)
                    .build();
        }
        AuthzDecision.Deny deny = (AuthzDecision.Deny) decision;
        DeniedHttpResponse.Builder denied = DeniedHttpResponse.newBuilder()
                .setStatus(HttpStatus.newBuilder().setCode(StatusCode.forNumber(deny.status())))
                .addHeaders(header("Content-Type", "application/problem+json"))
                .setBody(problem(deny));
        if (deny.status() == 401) {
            denied.addHeaders(header("WWW-Authenticate", "ApiKey"));
        }
        if (deny.retryAfter() != null) {
            denied.addHeaders(header("Retry-After", Long.toString(deny.retryAfterSeconds())));
        }
        int code = switch (deny.status()) {
            case 401 -> UNAUTHENTICATED;
            case 429 -> RESOURCE_EXHAUSTED;
            case 400 -> INVALID_ARGUMENT;
            default -> PERMISSION_DENIED;
        };
        return CheckResponse.newBuilder()
                .setStatus(Status.newBuilder().setCode(code))
                .setDeniedResponse(denied)
                .build();
    }

    private String problem(AuthzDecision.Deny deny) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", ProblemTypes.of(deny.type()).toString());
        problem.put("title", deny.title());
        problem.put("status", deny.status());
        problem.put("detail", deny.detail());
        problem.putAll(deny.properties());
        return json.writeValueAsString(problem);
    }

    private static HeaderValueOption header(String name, String value) {
        return HeaderValueOption.newBuilder()
                .setHeader(HeaderValue.newBuilder()
                        .setKey(name.toLowerCase(Locale.ROOT))
                        .setValue(value))
                .setAppendAction(HeaderValueOption.HeaderAppendAction.OVERWRITE_IF_EXISTS_OR_ADD)
                .build();
    }
}
