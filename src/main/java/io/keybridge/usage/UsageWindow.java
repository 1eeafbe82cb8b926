package io.keybridge.usage;

import java.util.Set;
import java.util.UUID;

/**
 * One key's use during one flush interval, as handed to the detector.
 *
 * @param requests every presentation of a valid key (also those refused for a scope or a source)
 * @param missingScope presentations refused with 403 for a missing scope
 * @param sourceRefused presentations refused with 403 for an address outside the allow-list
 * @param refusedSources a sample of those addresses
 * @param scopesNeeded scopes that verified requests needed
 */
record UsageWindow(
        UUID keyId,
        long requests,
        long missingScope,
        long sourceRefused,
        Set<String> refusedSources,
        Set<String> scopesNeeded) {}
