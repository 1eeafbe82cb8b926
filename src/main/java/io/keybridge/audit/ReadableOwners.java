package io.keybridge.audit;

import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.Authentication;

/**
 * Whose keys a caller may read about: empty if every owner's, else those owners (a person whose bindings are limited to
 * some owners). Implemented by the security module, which knows the bindings and itself records into the audit log.
 */
public interface ReadableOwners {

    Optional<Set<String>> of(Authentication caller);
}
