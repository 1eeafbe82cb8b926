/** Forward-auth over HTTP: {@code /authz} for NGINX, Traefik and Caddy, {@code /authz/<path>} for Envoy's HTTP ext_authz. */
@NullMarked
package io.keybridge.gateway.web;

import org.jspecify.annotations.NullMarked;
