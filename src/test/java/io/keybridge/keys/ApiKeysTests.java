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
                "default");
        keys.add(key, List.of());
        return key;
    }

    private List<String> names(KeyQuery query) {
        return keys.search(query, new PageRequest(0, 50)).items().stream()
                .map(ApiKey::name)
                .toList();
    }
}
