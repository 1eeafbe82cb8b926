package io.keybridge.dashboard;

import io.keybridge.keys.ApiKey;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.Environment;
import io.keybridge.rotation.EmergencyRotations;
import io.keybridge.rotation.EmergencyRun;
import io.keybridge.rotation.KeySelector;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk emergency rotation: choose keys by owner, scope, environment, destination or age; preview them (a dry run);
 * rotate them all; watch the run's progress live.
 */
@Controller
@RequestMapping("/ui/incident")
class IncidentPage {

    private final EmergencyRotations emergencies;
    private final ApiKeys keys;
    private final JsonMapper json;

    IncidentPage(EmergencyRotations emergencies, ApiKeys keys, JsonMapper json) {
        this.emergencies = emergencies;
        this.keys = keys;
        this.json = json;
    }

    @GetMapping
    String form(Model model) {
        model.addAttribute("form", new IncidentForm(null, null, null, null, null, null, null));
        model.addAttribute("environments", Environment.values());
        return "dashboard/incident";
    }

    /** {@code action=preview} lists the keys; {@code action=rotate} starts the run and shows its progress. */
    @PostMapping
    String submit(@ModelAttribute("form") IncidentForm form, Authentication caller, Model model) {
        model.addAttribute("environments", Environment.values());
        KeySelector selector;
        try {
            KeySelector requested = form.toSelector();
            // an owner-scoped responder previews and rotates only the keys their bindings reach
            selector = requested.reachableBy(caller);
        } catch (IllegalArgumentException e) {
            model.addAttribute("failure", e.getMessage());
            return "dashboard/incident";
        }
        if (selector.isEmpty()) {
            model.addAttribute("failure", "Choose at least one criterion, so that no run takes every key by accident.");
            return "dashboard/incident";
        }
        if (!"rotate".equals(form.action())) {
            List<ApiKey> keys = emergencies.select(selector);
            model.addAttribute("preview", keys);
            return "dashboard/incident";
        }
        String reason = form.reason() == null ? "" : form.reason().strip();
        if (!QueryText.validText(reason, 400)) {
            model.addAttribute(
                    "failure", "Give a reason (up to 400 characters): it goes into every key's audit trail.");
            model.addAttribute("preview", emergencies.select(selector));
            return "dashboard/incident";
        }
        EmergencyRun run =
                emergencies.start(selector, json.writeValueAsString(form.criteria()), reason, caller.getName());
        return "redirect:/ui/incident/" + run.id();
    }

    @GetMapping("/{runId}")
    String run(@PathVariable UUID runId, Model model) {
        return progressOf(runId, model, "dashboard/run");
    }

    /** The progress block alone, which the run page fetches every second until the run completes. */
    @GetMapping("/{runId}/progress")
    String progress(@PathVariable UUID runId, Model model) {
        return progressOf(runId, model, "dashboard/run :: progress");
    }

    private String progressOf(UUID runId, Model model, String view) {
        EmergencyRun run = find(runId);
        model.addAttribute("run", run);
        model.addAttribute(
                "names",
                keys.namesOf(run.keys().stream().map(EmergencyRun.Item::keyId).toList()));
        return view;
    }

    private EmergencyRun find(UUID runId) {
        return emergencies
                .find(runId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no emergency run " + runId));
    }

    /** The incident form; {@code createdBefore} is a date (UTC midnight). */
    record IncidentForm(
            @Nullable String owner,
            @Nullable String scope,
            @Nullable String environment,
            @Nullable String destinationPrefix,
            @Nullable String createdBefore,
            @Nullable String reason,
            @Nullable String action) {

        KeySelector toSelector() {
            return new KeySelector(
                    value(owner),
                    value(scope),
                    value(environment) == null
                            ? null
                            : Environment.of(environment).label(),
                    value(destinationPrefix),
                    createdBeforeInstant(),
                    null);
        }

        /** The criteria given, as the run records them. */
        Map<String, Object> criteria() {
            Map<String, Object> criteria = new LinkedHashMap<>();
            KeySelector selector = toSelector();
            if (selector.owner() != null) {
                criteria.put("owner", selector.owner());
            }
            if (selector.scope() != null) {
                criteria.put("scope", selector.scope());
            }
            if (selector.environment() != null) {
                criteria.put("environment", selector.environment());
            }
            if (selector.destinationPrefix() != null) {
                criteria.put("destinationPrefix", selector.destinationPrefix());
            }
            if (selector.createdBefore() != null) {
                criteria.put("createdBefore", selector.createdBefore().toString());
            }
            return criteria;
        }

        private @Nullable Instant createdBeforeInstant() {
            String date = value(createdBefore);
            if (date == null) {
                return null;
            }
            try {
                return LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("created before must be a date such as 2026-11-01");
            }
        }

        private static @Nullable String value(@Nullable String text) {
            return text == null || text.isBlank() ? null : text.strip();
        }
    }
}
