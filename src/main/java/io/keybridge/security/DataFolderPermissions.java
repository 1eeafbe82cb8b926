package io.keybridge.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * The embedded database's folder holds the audit trail, key hashes and webhook payloads: it is created {@code 0700}
 * before the database opens, and every file in it is made {@code 0600} once the database has created its files, so no
 * other account on the machine can read them whatever the umask. Only for an H2 file database; PostgreSQL keeps its own
 * files.
 */
class DataFolderPermissions implements BeanFactoryPostProcessor, EnvironmentAware, ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(DataFolderPermissions.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    private @Nullable Path folder;

    @Override
    public void setEnvironment(Environment environment) {
        folder = h2Folder(environment.getProperty("spring.datasource.url", ""));
    }

    /** Runs before any bean is created, so before the database opens its files. */
    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        if (folder == null || !posix()) {
            return;
        }
        try {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
        } catch (IOException e) {
            log.warn("could not make the data folder {} private (0700): {}", folder, e.toString());
        }
    }

    /** After start-up: the files the database (and keybridge) created meanwhile. */
    @Override
    public void run(ApplicationArguments args) {
        if (folder == null || !posix() || !Files.isDirectory(folder)) {
            return;
        }
        try (Stream<Path> files = Files.list(folder)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                try {
                    Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
                } catch (IOException e) {
                    log.warn("could not make {} private (0600): {}", file, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("could not list the data folder {}: {}", folder, e.toString());
        }
    }

    /** The folder of {@code jdbc:h2:file:FOLDER/NAME;…}, or null for any other database. */
    static @Nullable Path h2Folder(String url) {
        String prefix = "jdbc:h2:file:";
        if (!url.startsWith(prefix)) {
            return null;
        }
        String file = url.substring(prefix.length()).split(";", 2)[0];
        Path parent = Path.of(file).toAbsolutePath().getParent();
        return parent;
    }

    private static boolean posix() {
        return java.nio.file.FileSystems.getDefault()
                .supportedFileAttributeViews()
                .contains("posix");
    }
}
