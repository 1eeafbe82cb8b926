package io.keybridge.security;

import io.keybridge.audit.ReadableOwners;
import java.util.Optional;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/** {@link ReadableOwners} by the caller's grants ({@link Access}). */
@Component
class AccessReadableOwners implements ReadableOwners {

    @Override
    public Optional<Set<String>> of(Authentication caller) {
        return Access.of(caller).owners(Access.READ);
    }
}
