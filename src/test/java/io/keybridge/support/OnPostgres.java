package io.keybridge.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.TestPropertySource;

/**
 * Runs an {@link IntegrationTest} on PostgreSQL with the {@code postgres} profile (Quartz clustered, one node). Every
 * class so marked shares one Spring context. The class must call {@link Postgres#forIntegrationTests()} in a static
 * initializer.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ActiveProfiles("postgres")
@org.junit.jupiter.api.extension.ExtendWith(PostgresExtension.class)
@TestPropertySource(properties = "keybridge.test.datasource-url=${keybridge.test.postgres-url}")
public @interface OnPostgres {}
