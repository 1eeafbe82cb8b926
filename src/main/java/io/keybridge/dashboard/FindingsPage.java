package io.keybridge.dashboard;

import io.keybridge.audit.ReadableOwners;
import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingAccess;
import io.keybridge.findings.FindingKind;
import io.keybridge.findings.FindingQuery;
import io.keybridge.findings.FindingStatus;
import io.keybridge.findings.FindingTransitionException;
import io.keybridge.findings.Findings;
import io.keybridge.findings.Severity;
import io.keybridge.keys.ApiKeys;
import io.keybridge.keys.KeyNotFoundException;
import io.keybridge.lifecycle.KeyCatalog;
import io.keybridge.lifecycle.KeyDetails;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * What keybridge noticed: open findings first, by severity, newest first; each with why it matters and the action it
 * suggests. A finding's own page offers that action, with its own confirmation, and acknowledging and resolving.
 */
@Controller
class FindingsPage {

    private static final int PAGE_SIZE = 50;

    private final Findings findings;
    private final FindingAccess access;
    private final ReadableOwners reach;
    private final KeyCatalog catalog;
    private final ApiKeys keys;

    FindingsPage(Findings findings, FindingAccess access, ReadableOwners reach, KeyCatalog catalog, ApiKeys keys) {
        this.findings = findings;
        this.access = access;
        this.reach = reach;
        this.catalog = catalog;
        this.keys = keys;
    }

    @GetMapping("/ui/findings")
    String list(@ModelAttribute("filter") FindingFilter filter, Authentication caller, Model model) {
        FindingQuery query = filter.toQuery();
        FindingQuery reachable = reach.of(caller).map(query::withinOwners).orElse(query);
        Page<Finding> page = findings.search(reachable, new PageRequest(filter.pageNumber(), PAGE_SIZE));
        model.addAttribute("page", page);
        model.addAttribute(
                "names",
                keys.namesOf(page.items().stream()
                        .map(Finding::keyId)
                        .filter(java.util.Objects::nonNull)
                        .toList()));
        model.addAttribute("severities", Severity.values());
        model.addAttribute("kinds", FindingKind.values());
        return "dashboard/findings";
    }

    @GetMapping("/ui/findings/{id}")
    String detail(@PathVariable UUID id, Authentication caller, Model model) {
        Finding finding = access.readable(id, caller);
        model.addAttribute("finding", finding);
        KeyDetails key = null;
        if (finding.keyId() != null) {
            try {
                key = catalog.find(finding.keyId());
            } catch (KeyNotFoundException gone) {
                // a key forgotten since: the finding stays readable
            }
        }
        model.addAttribute("details", key);
        model.addAttribute("suggestedReason", suggestedReason(finding));
        return "dashboard/finding";
    }

    @PostMapping("/ui/findings/{id}/acknowledge")
    String acknowledge(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String note,
            Authentication caller,
            RedirectAttributes redirect) {
        return transition(
                id,
                caller,
                "finding.acknowledge",
                note,
                "Not acknowledged",
                "say what you are doing",
                () -> findings.acknowledge(id, caller.getName(), note.strip()),
                "Acknowledged: it is yours; it resolves when the condition is gone.",
                redirect);
    }

    @PostMapping("/ui/findings/{id}/resolve")
    String resolve(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "") String reason,
            Authentication caller,
            RedirectAttributes redirect) {
        return transition(
                id,
                caller,
                "finding.resolve",
                reason,
                "Not resolved",
                "give the reason",
                () -> findings.resolve(id, caller.getName(), reason.strip()),
                "Resolved. If it is noticed again, a new finding opens.",
                redirect);
    }

    /** Checks who and what, makes the transition, and says how it went on the finding's page. */
    private String transition(
            UUID id,
            Authentication caller,
            String action,
            String text,
            String notDone,
            String textWanted,
            Runnable change,
            String done,
            RedirectAttributes redirect) {
        access.actionable(id, caller, action);
        if (!QueryText.validText(text, 500)) {
            return back(redirect, id, "failure", notDone + ": " + textWanted + " (up to 500 characters).");
        }
        try {
            change.run();
            return back(redirect, id, "notice", done);
        } catch (FindingTransitionException e) {
            return back(redirect, id, "failure", notDone + ": " + e.getMessage() + ".");
        }
    }

    /** What the emergency rotation's reason says when started from a finding. */
    private static String suggestedReason(Finding finding) {
        String reason =
                finding.kind() + " finding " + finding.id().toString().substring(0, 8) + ": " + finding.summary();
        return reason.length() <= 400 ? reason : reason.substring(0, 399) + "…";
    }

    private static String back(RedirectAttributes redirect, UUID id, String kind, String message) {
        redirect.addFlashAttribute(kind, message);
        return "redirect:/ui/findings/" + id;
    }

    /**
     * The list's filters, from the query string; {@code status} is {@code unresolved} (the default: open and
     * acknowledged), {@code open}, {@code acknowledged}, {@code resolved} or {@code all}.
     */
    record FindingFilter(
            @Nullable String severity,
            @Nullable String kind,
            @Nullable String owner,
            @Nullable String keyId,
            @Nullable String status,
            @Nullable Integer page) {

        FindingQuery toQuery() {
            return new FindingQuery(
                    value(keyId) == null ? null : QueryText.keyId(value(keyId)),
                    value(kind) == null ? null : named(FindingKind.class, value(kind), "kind"),
                    value(severity) == null ? null : named(Severity.class, value(severity), "severity"),
                    null,
                    statuses(),
                    value(owner),
                    null,
                    true);
        }

        public String statusOrDefault() {
            return value(status) == null ? "unresolved" : value(status).toLowerCase(Locale.ROOT);
        }

        private Set<FindingStatus> statuses() {
            return switch (statusOrDefault()) {
                case "unresolved" -> EnumSet.of(FindingStatus.OPEN, FindingStatus.ACKNOWLEDGED);
                case "all" -> Set.of();
                default -> Set.of(named(FindingStatus.class, statusOrDefault(), "status"));
            };
        }

        int pageNumber() {
            return QueryText.page(page);
        }

        private static <E extends Enum<E>> E named(Class<E> type, String text, String what) {
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(what + " must be one of "
                        + java.util.Arrays.stream(type.getEnumConstants())
                                .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                                .toList());
            }
        }

        private static @Nullable String value(@Nullable String text) {
            return QueryText.value(text);
        }
    }
}
