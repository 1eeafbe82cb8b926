/**
 * Gateways: keybridge as the external authorizer of the gateway in front of an API. A route table says which scopes a
 * call needs; forward-auth over HTTP ({@code /authz}) and Envoy's gRPC {@code ext_authz} answer allow (with who the key
 * is) or deny, from the same in-memory verification as {@code /api/v1/verify}.
 */
@NullMarked
package io.keybridge.gateway;

import org.jspecify.annotations.NullMarked;
