package io.keybridge.dashboard;

import io.keybridge.audit.AuditEntry;
import io.keybridge.audit.AuditLog;
import io.keybridge.audit.AuditQuery;
import io.keybridge.audit.ReadableOwners;
import io.keybridge.paging.Page;
import io.keybridge.paging.PageRequest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/** The audit trail, newest first, filtered by key, actor, action and dates. */
@Controller
class AuditPage {

    /** As the API's default page: a screenful or two, not thousands of pixels. */
    private static final int PAGE_SIZE = 50;

    private final AuditLog audit;
    private final ReadableOwners reach;

    AuditPage(AuditLog audit, ReadableOwners reach) {
        this.audit = audit;
        this.reach = reach;
    }

    @GetMapping("/ui/audit")
    String audit(@ModelAttribute("filter") AuditFilter filter, Authentication caller, Model model) {
        AuditQuery query = filter.toQuery();
        AuditQuery reachable = reach.of(caller).map(query::withinOwners).orElse(query);
        Page<AuditEntry> page = audit.search(reachable, new PageRequest(filter.pageNumber(), PAGE_SIZE));
        model.addAttribute("page", page);
        return "dashboard/audit";
    }

    /** {@code from} and {@code to} are dates (UTC); {@code to} includes its whole day. */
    record AuditFilter(
            @Nullable String keyId,
            @Nullable String actor,
            @Nullable String action,
            @Nullable String from,
            @Nullable String to,
            @Nullable Integer page) {

        AuditQuery toQuery() {
            return new AuditQuery(
                    value(keyId) == null ? null : QueryText.keyId(value(keyId)),
                    value(actor),
                    value(action),
                    value(from) == null ? null : day(value(from)),
                    value(to) == null ? null : day(value(to)).plusSeconds(86_400));
        }

        int pageNumber() {
            return QueryText.page(page);
        }

        private static Instant day(String text) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("dates look like 2026-11-30");
            }
        }

        private static @Nullable String value(@Nullable String text) {
            return QueryText.value(text);
        }
    }
}
