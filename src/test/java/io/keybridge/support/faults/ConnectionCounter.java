package io.keybridge.support.faults;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Counts the database connections taken by HTTP request threads, to prove that an endpoint (such as {@code /verify})
 * does not touch the database. Background work (flushes, Quartz) runs on other threads and is not counted.
 */
public final class ConnectionCounter implements BeanPostProcessor {

    private static final AtomicLong FROM_REQUESTS = new AtomicLong();

    public static long fromRequests() {
        return FROM_REQUESTS.get();
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof DataSource dataSource && !(bean instanceof Counting)) {
            return new Counting(dataSource);
        }
        return bean;
    }

    private static final class Counting extends DelegatingDataSource {
        Counting(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            count();
            return super.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            count();
            return super.getConnection(username, password);
        }

        private static void count() {
            if (Thread.currentThread().getName().startsWith("tomcat-handler")) {
                FROM_REQUESTS.incrementAndGet();
            }
        }
    }
}
