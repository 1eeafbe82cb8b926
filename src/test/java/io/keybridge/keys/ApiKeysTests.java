package io.keybridge.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keybridge.paging.PageRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/** The key repository on the real schema (Flyway migrations on an in-memory H2). */
class ApiKeysTests {

    private ApiKeys keys;
    private JdbcClient jdbc;

    @BeforeEach
    void migrate() {
        SimpleDriverDataSource dataSource = new SimpleDriverDataSource(
                new org.h2.Driver(), "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
        Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration/common", "classpath:db/migration/h2")
                .load()
                .migrate();
        jdbc = JdbcClient.create(dataSource);
        keys = new ApiKeys(jdbc);
    }

    @Test
    void searchFiltersByWholeScopeOwnerStatusAndEnvironment() {
        add("a", "team", List.of("lists:read"), Environment.LIVE);
        add("b", "team", List.of("leads:write", "lists:read"), Environment.LIVE);
        add("c", "team", List.of("leads:write"), Environment.TEST);
        add("d", "other", List.of("leads:write"), Environment.LIVE);

        assertThat(names(new KeyQuery(null, "team", null, null))).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(names(new KeyQuery(null, "team", "leads:write", null))).containsExactlyInAnyOrder("b", "c");
        assertThat(names(new KeyQuery(null, "team", "leads", null))).isEmpty();
        assertThat(names(new KeyQuery(null, null, "lists:read", Environment.LIVE)))
                .containsExactlyInAnyOrder("a", "b");
        assertThat(names(new KeyQuery(KeyStatus.ACTIVE, null, null, null))).isEmpty();
    }

    @Test
    void searchTextMatchesPartOfNameOrOwnerIgnoringCaseAndTakesWildcardsLiterally() {
        add("prod_crm_sync_revops", "revops", List.of("lists:read"), Environment.LIVE);
        add("staging_signup", "growth", List.of("lists:read"), Environment.TEST);
        add("prod-crm-batch", "backend", List.of("lists:read"), Environment.LIVE);

        assertThat(names(new KeyQuery(null, null, null, null, "CRM", null)))
                .containsExactlyInAnyOrder("prod_crm_sync_revops", "prod-crm-batch");
        assertThat(names(new KeyQuery(null, null, null, null, "growth", null))).containsExactly("staging_signup");
        assertThat(names(new KeyQuery(null, null, null, null, "_crm_", null))).containsExactly("prod_crm_sync_revops");
        assertThat(names(new KeyQuery(null, null, null, null, "%", null))).isEmpty();
        assertThat(names(new KeyQuery(null, null, null, Environment.LIVE, "sync", null)))
                .containsExactly("prod_crm_sync_revops");
    }

    @Test
    void attentionFindsActiveKeysThatAreOverdueDormantOrExpiring() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ApiKey healthy = active(add("healthy", "team", List.of("lists:read"), Environment.LIVE));
        ApiKey overdue = active(add("overdue", "team", List.of("lists:read"), Environment.LIVE));
        keys.rotationPlanned(overdue.id(), now.plusSeconds(60), "Vault unreachable");
        ApiKey dormant = active(add("dormant", "team", List.of("lists:read"), Environment.LIVE));
        keys.recordLastUse(Map.of(dormant.id(), now.minus(40, ChronoUnit.DAYS)));
        keys.recordLastUse(Map.of(healthy.id(), now.minus(1, ChronoUnit.DAYS)));
        add("pending-never-used", "team", List.of("lists:read"), Environment.LIVE);

        KeyQuery.Attention attention =
                new KeyQuery.Attention(now.minus(30, ChronoUnit.DAYS), now.plus(14, ChronoUnit.DAYS));
        assertThat(names(new KeyQuery(null, null, null, null, null, attention)))
                .containsExactlyInAnyOrder("overdue", "dormant");
        // a key created long ago and never used is dormant too
        KeyQuery.Attention later = new KeyQuery.Attention(now.plus(31, ChronoUnit.DAYS), now.plus(45, ChronoUnit.DAYS));
        assertThat(names(new KeyQuery(null, null, null, null, null, later)))
                .containsExactlyInAnyOrder("healthy", "overdue", "dormant");
    }

    private ApiKey active(ApiKey key) {
        keys.activate(key.id());
        return key;
    }

    @Test
    void lastUseNeverMovesBackwards() {
        ApiKey key = add("used", "team", List.of("lists:read"), Environment.LIVE);
        Instant later = Instant.now().truncatedTo(ChronoUnit.MICROS);

        assertThat(keys.recordLastUse(Map.of(key.id(), later))).isEqualTo(1);
        assertThat(keys.recordLastUse(Map.of(key.id(), later.minusSeconds(5)))).isZero();

        assertThat(keys.find(key.id()).orElseThrow().lastUsedAt()).isEqualTo(later);
    }

    @Test
    void aRevokedKeysNameCanBeReused() {
        ApiKey first = add("name", "team", List.of("lists:read"), Environment.LIVE);
        assertThatThrownBy(() -> add("name", "team", List.of("lists:read"), Environment.LIVE))
                .isInstanceOf(DuplicateKeyNameException.class);

        assertThat(keys.revoke(first.id(), Instant.now(), "test")).isTrue();
        assertThat(keys.revoke(first.id(), Instant.now(), "again")).isFalse();

        add("name", "team", List.of("lists:read"), Environment.LIVE);
    }

    private ApiKey add(String name, String owner, List<String> scopes, Environment environment) {
        ApiKey key = ApiKey.pending(
                UUID.randomUUID(),
                name,
                owner,
                environment,
                new TreeSet<>(scopes),
                null,
                Instant.now(),
                null,
                "default",
                io.keybridge.keys.AllowedSources.ANYWHERE);
        keys.add(key, List.of());
        return key;
    }

    private List<String> names(KeyQuery query) {
        return keys.search(query, new PageRequest(0, 50)).items().stream()
                .map(ApiKey::name)
                .toList();
    }
}
