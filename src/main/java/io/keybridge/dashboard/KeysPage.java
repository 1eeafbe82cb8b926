package io.keybridge.dashboard;

import io.keybridge.audit.AuditLog;
import io.keybridge.audit.AuditQuery;
import io.keybridge.delivery.Destinations;
import io.keybridge.delivery.FormField;
import io.keybridge.findings.Finding;
import io.keybridge.findings.FindingQuery;
import io.keybridge.findings.Findings;
import io.keybridge.keys.ConsumerProfile;
import io.keybridge.keys.DestinationInUseException;
import io.keybridge.keys.DuplicateKeyNameException;
import io.keybridge.keys.Environment;
import io.keybridge.keys.KeyProperties;
import io.keybridge.keys.KeyQuery;
import io.keybridge.keys.KeyStatus;
import io.keybridge.lifecycle.DeliveryFailedException;
import io.keybridge.lifecycle.InvalidKeyRequestException;
import io.keybridge.lifecycle.KeyCatalog;
import io.keybridge.lifecycle.KeyDetails;
import io.keybridge.lifecycle.KeyIssuer;
import io.keybridge.lifecycle.web.CreateKeyRequest;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import io.keybridge.rotation.Rotation;
import io.keybridge.rotation.RotationCoordinator;
import io.keybridge.rotation.RotationPickup;
import io.keybridge.rotation.RotationPolicies;
import io.keybridge.rotation.RotationPolicy;
import io.keybridge.rotation.RotationState;
import io.keybridge.security.KeyAccess;
import io.keybridge.security.Role;
import io.keybridge.usage.UsageBaseline;
import io.keybridge.usage.UsageStore;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** The API keys page, the create form and a key's own page with its actions. */
@Controller
@RequestMapping("/ui/keys")
class KeysPage {

    private static final int PAGE_SIZE = 50;

    private final KeyCatalog catalog;
    private final KeyIssuer issuer;
    private final RotationCoordinator rotations;
    private final RotationPickup pickup;
    private final RotationPolicies policies;
    private final KeyProperties properties;
    private final AuditLog audit;
    private final Validator validator;
    private final Clock clock;

    private final Destinations destinations;
    private final KeyAccess access;
    private final UsageStore usage;
    private final UsageBaseline baseline;
    private final Findings findings;

    /** The key page's chart: two weeks, the baseline's own period. */
    static final Duration CHART_SPAN = Duration.ofDays(14);
    /** The keys list's sparklines. */
    static final Duration SPARK_SPAN = Duration.ofDays(7);

    KeysPage(
            KeyCatalog catalog,
            KeyIssuer issuer,
            RotationCoordinator rotations,
            RotationPickup pickup,
            RotationPolicies policies,
            KeyProperties properties,
            AuditLog audit,
            Validator validator,
            Destinations destinations,
            Clock clock,
            KeyAccess access,
            UsageStore usage,
            UsageBaseline baseline,
            Findings findings) {
        this.access = access;
        this.usage = usage;
        this.baseline = baseline;
        this.findings = findings;
        this.destinations = destinations;
        this.catalog = catalog;
        this.issuer = issuer;
        this.rotations = rotations;
        this.pickup = pickup;
        this.policies = policies;
        this.properties = properties;
        this.audit = audit;
        this.validator = validator;
        this.clock = clock;
    }

    @GetMapping
    String list(@ModelAttribute("filter") KeyFilter filter, Authentication caller, Model model) {
        Instant now = clock.instant();
        KeyQuery query = filter.toQuery(now);
        KeyQuery reachable =
                access.readableOwners(caller).map(query::withinOwners).orElse(query);
        Page<KeyDetails> page = catalog.search(reachable, new PageRequest(filter.pageNumber(), PAGE_SIZE));
        List<KeyRow> rows =
                page.items().stream().map(details -> KeyRow.of(details, now)).toList();
        model.addAttribute("rows", rows);
        // one query for the page's keys, then one line each
        Map<UUID, List<UsageStore.HourCount>> hours = usage.hoursOf(
                page.items().stream().map(details -> details.key().id()).toList(),
                now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS).minus(SPARK_SPAN),
                now.plus(1, ChronoUnit.HOURS));
        Map<UUID, Sparkline> sparks = new HashMap<>();
        for (KeyDetails details : page.items()) {
            UUID id = details.key().id();
            sparks.put(id, Sparkline.of(hours.getOrDefault(id, List.of()), now, SPARK_SPAN));
        }
        model.addAttribute("sparks", sparks);
        model.addAttribute("page", page);
        model.addAttribute("statuses", KeyStatus.values());
        model.addAttribute("environments", Environment.values());
        model.addAttribute("scopes", properties.scopes().keySet());
        return "dashboard/keys";
    }

    @GetMapping("/new")
    String createForm(Model model) {
        return createPage(model, KeyForm.empty(), Map.of(), null);
    }

    @PostMapping
    String create(
            @ModelAttribute KeyForm posted,
            @RequestParam MultiValueMap<String, String> parameters,
            Authentication caller,
            Model model,
            RedirectAttributes redirect,
            HttpServletResponse response) {
        KeyForm form = posted.withDestinationFields(parameters);
        CreateKeyRequest request;
        try {
            request = form.toRequest();
        } catch (IllegalArgumentException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return createPage(model, form, Map.of(), e.getMessage());
        }
        Map<String, String> errors = KeyForm.errors(validator.validate(request));
        if (!errors.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return createPage(model, form, errors, null);
        }
        access.requireOwner(request.toNewKey().owner(), caller, "key.create", Set.of(Role.ADMIN));
        UUID id;
        try {
            id = issuer.issue(request.toNewKey(), caller.getName());
        } catch (InvalidKeyRequestException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return createPage(model, form, Map.of(KeyForm.fieldOf(e.field()), e.getMessage()), null);
        } catch (DuplicateKeyNameException e) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            return createPage(model, form, Map.of("name", e.getMessage()), null);
        } catch (DestinationInUseException e) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            return createPage(model, form, Map.of("destinations", e.getMessage()), null);
        } catch (DeliveryFailedException e) {
            response.setStatus(HttpServletResponse.SC_BAD_GATEWAY);
            return createPage(
                    model,
                    form,
                    Map.of(),
                    e.getMessage() + ". The key was revoked and anything written was removed; nothing verifies.");
        } catch (IllegalArgumentException e) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            return createPage(model, form, Map.of(), e.getMessage());
        }
        KeyDetails created = catalog.find(id);
        redirect.addFlashAttribute(
                "notice", "Key issued and delivered: " + ReadInstructions.deliveredTo(created) + ".");
        return "redirect:/ui/keys/" + id;
    }

    @GetMapping("/{id}")
    String detail(@PathVariable UUID id, Model model) {
        KeyDetails details = catalog.find(id);
        model.addAttribute("row", KeyRow.of(details, clock.instant()));
        model.addAttribute(
                "reads",
                details.destinations().stream()
                        .map(destination -> ReadInstructions.of(destinations, destination))
                        .toList());
        List<Rotation> history = rotations.history(id);
        model.addAttribute("history", history);
        // during an overlap: who has picked the new version up, and who is still on the old one
        model.addAttribute(
                "pickup",
                history.stream()
                        .filter(rotation -> rotation.state() == RotationState.OVERLAP)
                        .findFirst()
                        .flatMap(pickup::of)
                        .orElse(null));
        model.addAttribute(
                "audit",
                audit.search(new AuditQuery(id, null, null, null, null), new PageRequest(0, 100))
                        .items());
        model.addAttribute("policies", policyNames());
        List<Finding> aboutKey = findings.search(
                        new FindingQuery(id, null, null, null, Set.of(), null, null, true), new PageRequest(0, 50))
                .items();
        model.addAttribute("findings", aboutKey);
        model.addAttribute("chart", chart(id, history, aboutKey));
        return "dashboard/key";
    }

    private UsageChart chart(UUID id, List<Rotation> history, List<Finding> aboutKey) {
        Instant now = clock.instant();
        Instant from =
                now.truncatedTo(ChronoUnit.HOURS).plus(1, ChronoUnit.HOURS).minus(CHART_SPAN);
        List<UsageChart.Event> events = new ArrayList<>();
        for (Rotation rotation : history) {
            events.add(new UsageChart.Event(
                    rotation.startedAt(),
                    "R",
                    "rotation",
                    rotation.trigger() + " rotation v" + rotation.fromVersion() + " → v"
                            + (rotation.toVersion() == null ? "…" : rotation.toVersion()) + " at "
                            + Times.hour(rotation.startedAt()) + " UTC"));
        }
        for (Finding finding : aboutKey) {
            events.add(new UsageChart.Event(
                    finding.raisedAt(),
                    "F",
                    "finding",
                    finding.kind() + " " + finding.severity() + " (" + finding.status() + ") raised at "
                            + Times.hour(finding.raisedAt()) + " UTC"));
        }
        return UsageChart.of(
                usage.detail(id, from, now.plus(1, ChronoUnit.HOURS)), baseline.of(id, now), events, now, CHART_SPAN);
    }

    private String createPage(Model model, KeyForm form, Map<String, String> errors, @Nullable String failure) {
        model.addAttribute("form", form);
        model.addAttribute("errors", errors);
        model.addAttribute("failure", failure);
        model.addAttribute("scopeCatalog", properties.scopes());
        model.addAttribute("environments", Environment.values());
        model.addAttribute("policies", policyNames());
        model.addAttribute("destinationTypes", destinations.all());
        model.addAttribute("consumerKinds", ConsumerProfile.Kind.values());
        // every type's own fields, once each, offered on every row
        model.addAttribute(
                "destinationFields",
                destinations.all().stream()
                        .flatMap(destination -> destination.formFields().stream())
                        .collect(java.util.stream.Collectors.toMap(
                                FormField::name, field -> field, (first, second) -> first, java.util.TreeMap::new))
                        .values());
        return "dashboard/create";
    }

    private List<String> policyNames() {
        return policies.all().stream()
                .map(RotationPolicy::name)
                .sorted(Comparator.naturalOrder())
                .toList();
    }

    /** The list's filters, from the query string. */
    record KeyFilter(
            @Nullable String q,
            @Nullable String status,
            @Nullable String environment,
            @Nullable String owner,
            @Nullable String scope,
            @Nullable Boolean attention,
            @Nullable Integer page) {

        KeyQuery toQuery(Instant now) {
            return new KeyQuery(
                    blank(status) ? null : status(status),
                    blank(owner) ? null : owner.strip(),
                    blank(scope) ? null : scope.strip(),
                    blank(environment) ? null : Environment.of(environment),
                    blank(q) ? null : q,
                    Boolean.TRUE.equals(attention)
                            ? new KeyQuery.Attention(now.minus(KeyRow.DORMANT_AFTER), now.plus(KeyRow.EXPIRING_WITHIN))
                            : null);
        }

        private static KeyStatus status(String value) {
            try {
                return KeyStatus.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("status must be one of pending, active, revoked");
            }
        }

        int pageNumber() {
            return page == null || page < 0 ? 0 : page;
        }

        private static boolean blank(@Nullable String value) {
            return value == null || value.isBlank();
        }
    }
}
