package io.keybridge.rotation;

import io.keybridge.findings.FindingKind;
import io.keybridge.findings.Findings;
import io.keybridge.findings.NewFinding;
import io.keybridge.findings.Severity;
import io.keybridge.jdbc.Sql;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** A rotation that a sweep could not settle becomes a HIGH finding, once per rotation (or contained key). */
@Component
class UnsettledRotationFindings {

    private final Findings findings;

    UnsettledRotationFindings(Findings findings) {
        this.findings = findings;
    }

    @EventListener
    void on(RotationUnsettled unsettled) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("sweep", unsettled.sweep());
        evidence.put("error", Sql.truncate(unsettled.error(), 400));
        String subject;
        if (unsettled.rotationId() == null) {
            subject = "the key was contained by an emergency rotation, but its new version could not be delivered";
        } else {
            evidence.put("rotationId", unsettled.rotationId().toString());
            subject = "rotation " + unsettled.rotationId() + " could not be settled";
        }
        findings.raise(new NewFinding(
                unsettled.keyId(),
                FindingKind.ROTATION_UNSETTLED,
                Severity.HIGH,
                subject + " by the " + unsettled.sweep() + "; the key cannot rotate until this is fixed: "
                        + Sql.truncate(unsettled.error(), 200),
                evidence,
                unsettled.rotationId() == null
                        ? "contained:" + unsettled.keyId()
                        : unsettled.rotationId().toString()));
    }
}
