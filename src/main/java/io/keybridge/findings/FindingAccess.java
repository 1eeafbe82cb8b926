package io.keybridge.findings;

import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.security.Access;
import io.keybridge.security.KeyAccess;
import java.util.UUID;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Component;

/**
 * A finding is as readable as its key: a person whose bindings reach some owners reads the findings about those owners'
 * keys only (others are {@code 404}), and acknowledges or resolves only those their RESPONDER or ADMIN binding reaches
 * ({@code 403}). The filter chains have checked the role itself. Findings about no key are for those who reach every
 * owner.
 */
@Component
public class FindingAccess {

    private final Findings findings;
    private final KeyAccess keys;

    FindingAccess(Findings findings, KeyAccess keys) {
        this.findings = findings;
        this.keys = keys;
    }

    /** @throws FindingNotFoundException if there is none, or its key is out of the caller's reach */
    public Finding readable(UUID id, Authentication caller) {
        Finding finding = findings.find(id).orElseThrow(() -> new FindingNotFoundException(id));
        if (keys.readableOwners(caller).isPresent()) {
            if (finding.keyId() == null) {
                throw new FindingNotFoundException(id);
            }
            try {
                keys.requireReadable(finding.keyId(), caller);
            } catch (KeyNotFoundException outOfReach) { // the key's own 404, answered as the finding's
                throw new FindingNotFoundException(id);
            }
        }
        return finding;
    }

    /**
     * @param action as the audit trail names a refusal ({@code finding.acknowledge})
     * @throws KeyAccess.KeyAccessDeniedException if the caller may read it but not act on it
     */
    public Finding actionable(UUID id, Authentication caller, String action) {
        Finding finding = readable(id, caller);
        if (finding.keyId() != null) {
            keys.requireAllowed(finding.keyId(), caller, action, Access.RESPOND);
        } else if (Access.of(caller).owners(Access.RESPOND).isPresent()) {
            throw new FindingNotFoundException(id);
        }
        return finding;
    }
}
