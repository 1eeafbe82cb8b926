package io.keybridge.dashboard;

import io.keybridge.keys.DuplicateKeyNameException;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.lifecycle.KeyCatalog;
import io.keybridge.lifecycle.KeyDetails;
import io.keybridge.lifecycle.KeyEditor;
import io.keybridge.lifecycle.KeyRevoker;
import io.keybridge.lifecycle.KeyStatusConflictException;
import io.keybridge.lifecycle.KeySuspension;
import io.keybridge.lifecycle.web.Patterns;
import io.keybridge.rotation.Containment;
import io.keybridge.rotation.KeyNotRotatableException;
import io.keybridge.rotation.Rotation;
import io.keybridge.rotation.RotationCoordinator;
import io.keybridge.rotation.RotationFailedException;
import io.keybridge.rotation.RotationInProgressException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What the key page's buttons do: rename, change policy, rotate now, resume a suspended key (ADMIN); emergency rotate and revoke (ADMIN,
 * RESPONDER; the filter chain enforces the roles). Each answers with a redirect to the key page and a one-line outcome.
 */
@Controller
@RequestMapping("/ui/keys")
class KeyActions {

    private static final Times TIMES = new Times();
    private static final Pattern NAME = Pattern.compile(Patterns.NAME);
    private static final Pattern TEXT = Pattern.compile(Patterns.TEXT);

    private final KeyCatalog catalog;
    private final KeyEditor editor;
    private final KeyRevoker revoker;
    private final RotationCoordinator rotations;
    private final Containment containment;
    private final KeySuspension suspension;

    KeyActions(
            KeyCatalog catalog,
            KeyEditor editor,
            KeyRevoker revoker,
            RotationCoordinator rotations,
            Containment containment,
            KeySuspension suspension) {
        this.containment = containment;
        this.suspension = suspension;
        this.catalog = catalog;
        this.editor = editor;
        this.revoker = revoker;
        this.rotations = rotations;
    }

    @PostMapping("/{id}/rename")
    String rename(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String name,
            Authentication caller,
            RedirectAttributes redirect) {
        String wanted = name.strip();
        if (wanted.isEmpty() || wanted.length() > 100 || !NAME.matcher(wanted).matches()) {
            return failure(redirect, id, "The name " + Patterns.NAME_MESSAGE + " (1 to 100 characters).");
        }
        try {
            editor.rename(id, wanted, caller.getName());
        } catch (DuplicateKeyNameException e) {
            return failure(redirect, id, e.getMessage());
        }
        return success(redirect, id, "Renamed to " + wanted + ".");
    }

    @PostMapping("/{id}/policy")
    String changePolicy(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String policy,
            Authentication caller,
            RedirectAttributes redirect) {
        try {
            editor.changeRotationPolicy(id, policy, caller.getName());
        } catch (InvalidKeyRequestException | IllegalArgumentException e) {
            return failure(redirect, id, e.getMessage());
        }
        KeyDetails details = catalog.find(id);
        Instant next = details.key().nextRotationAt();
        return success(
                redirect,
                id,
                "Rotation policy is now " + policy + (next == null ? "." : "; next rotation at " + utc(next) + "."));
    }

    @PostMapping("/{id}/rotate")
    String rotate(@PathVariable UUID id, Authentication caller, RedirectAttributes redirect) {
        try {
            Rotation rotation = rotations.rotate(id, caller.getName(), null);
            return success(
                    redirect,
                    id,
                    "Rotated: version " + rotation.toVersion() + " delivered to "
                            + ReadInstructions.deliveredTo(catalog.find(id))
                            + "; version " + rotation.fromVersion() + " keeps verifying until "
                            + utc(rotation.retireAt())
                            + ".");
        } catch (RotationInProgressException | KeyNotRotatableException e) {
            return failure(redirect, id, e.getMessage());
        } catch (RotationFailedException e) {
            return failure(redirect, id, e.getMessage() + " The current version still verifies; a retry is scheduled.");
        }
    }

    /** Keeps only the scopes ticked (what an OVER_PRIVILEGED finding suggests); scopes can only be taken away here. */
    @PostMapping("/{id}/scopes")
    String narrowScopes(
            @PathVariable UUID id,
            @RequestParam(name = "scope", required = false) @Nullable List<String> keep,
            Authentication caller,
            RedirectAttributes redirect) {
        KeyDetails details = catalog.find(id);
        Set<String> scopes = keep == null ? Set.of() : new TreeSet<>(keep);
        if (scopes.isEmpty() || !details.key().scopes().containsAll(scopes)) {
            return failure(redirect, id, "Scopes unchanged: keep at least one of the key's own scopes.");
        }
        if (scopes.equals(details.key().scopes())) {
            return failure(redirect, id, "Scopes unchanged: untick the scopes to take away.");
        }
        editor.narrowScopes(id, scopes, caller.getName());
        return success(redirect, id, "Scopes narrowed to " + scopes + ": every version holds only these from now on.");
    }

    @PostMapping("/{id}/resume")
    String resume(@PathVariable UUID id, Authentication caller, RedirectAttributes redirect) {
        try {
            suspension.resume(id, caller.getName());
            return success(redirect, id, "Resumed: the versions consumers hold verify again.");
        } catch (KeyStatusConflictException e) {
            return failure(redirect, id, e.getMessage());
        }
    }

    @PostMapping("/{id}/revoke")
    String revoke(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String confirm,
            @RequestParam(defaultValue = "") String reason,
            Authentication caller,
            RedirectAttributes redirect) {
        KeyDetails details = catalog.find(id);
        if (!confirm.strip().equals(details.key().name())) {
            return failure(redirect, id, "Not revoked: type the key's name exactly to confirm.");
        }
        if (!QueryText.validText(reason, 500)) {
            return failure(redirect, id, "Not revoked: give a reason (up to 500 characters, no control characters).");
        }
        revoker.revoke(id, reason.strip(), caller.getName());
        return success(redirect, id, "Revoked: no version of this key verifies any more.");
    }

    @PostMapping("/{id}/emergency-rotate")
    String emergencyRotate(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String reason,
            @RequestParam(defaultValue = "") String incident,
            Authentication caller,
            RedirectAttributes redirect) {
        if (!QueryText.validText(reason, 400)
                || incident.length() > 64
                || !TEXT.matcher(incident).matches()) {
            return failure(
                    redirect,
                    id,
                    "Not rotated: an emergency rotation needs a reason (up to 400 characters) and at most a 64-character"
                            + " incident reference.");
        }
        String why = incident.isBlank() ? reason.strip() : reason.strip() + " (incident " + incident.strip() + ")";
        try {
            Rotation rotation = containment.emergencyRotate(id, caller.getName(), why, Duration.ZERO);
            return success(
                    redirect,
                    id,
                    "Contained at " + utc(rotation.oldRevokedAt()) + ": the old version no longer verifies. Version "
                            + rotation.toVersion() + " delivered to " + ReadInstructions.deliveredTo(catalog.find(id))
                            + ".");
        } catch (RotationInProgressException | KeyNotRotatableException e) {
            return failure(redirect, id, e.getMessage());
        } catch (RotationFailedException e) {
            return failure(
                    redirect,
                    id,
                    "The old version was revoked, but the new one could not be delivered: " + e.getMessage()
                            + " A retry is scheduled.");
        }
    }

    private static String utc(@Nullable Instant instant) {
        return TIMES.exact(instant) + " UTC";
    }

    private static String success(RedirectAttributes redirect, UUID id, String message) {
        redirect.addFlashAttribute("notice", message);
        return "redirect:/ui/keys/" + id;
    }

    private static String failure(RedirectAttributes redirect, UUID id, String message) {
        redirect.addFlashAttribute("failure", message);
        return "redirect:/ui/keys/" + id;
    }
}
