package io.keybridge.gateway;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.keybridge.audit.AuditLog;
import io.keybridge.security.ApiTokens;
import io.keybridge.security.Role;
import java.util.Optional;

/**
 * Authenticates the gateway on the gRPC port: its VERIFIER token in the {@code x-keybridge-token} metadata (Envoy's
 * {@code initial_metadata}). Anything else is refused with {@code UNAUTHENTICATED} before the service sees it.
 */
final class GrpcCaller implements ServerInterceptor {

    static final Metadata.Key<String> TOKEN = Metadata.Key.of("x-keybridge-token", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> NAME = Context.key("keybridge-caller");

    private final ApiTokens tokens;
    private final AuditLog audit;

    GrpcCaller(ApiTokens tokens, AuditLog audit) {
        this.tokens = tokens;
        this.audit = audit;
    }

    /** The authenticated caller of the call being served. */
    static String current() {
        String name = NAME.get();
        return name == null ? "anonymous" : name;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        String token = headers.get(TOKEN);
        Optional<ApiTokens.Caller> caller = token == null ? Optional.empty() : tokens.find(token);
        if (caller.isEmpty()
                || caller.get().roles().stream().noneMatch(role -> role == Role.VERIFIER || role == Role.ADMIN)) {
            audit.recordRefusal(
                    caller.map(ApiTokens.Caller::name).orElse("anonymous"), "authz", null, "unauthenticated");
            call.close(
                    Status.UNAUTHENTICATED.withDescription("send a VERIFIER token in the x-keybridge-token metadata"),
                    new Metadata());
            return new ServerCall.Listener<>() {};
        }
        Context context = Context.current().withValue(NAME, caller.get().name());
        return Contexts.interceptCall(context, call, headers, next);
    }
}
