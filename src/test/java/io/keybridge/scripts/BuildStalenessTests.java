package io.keybridge.scripts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/run} and {@code scripts/keybridge} rebuild the jar only when what goes into it changed (issue 16,
 * item 21): installing the browser test's {@code node_modules} once made every call rebuild for 29 s.
 */
class BuildStalenessTests {

    @Test
    void onlyMainSourcesAndThePomMakeTheJarStale(@TempDir Path checkout) throws Exception {
        Files.createDirectories(checkout.resolve("src/main/java"));
        Files.createDirectories(checkout.resolve("src/test/e2e/node_modules/playwright-core"));
        Files.createDirectories(checkout.resolve("target"));
        Path source = Files.writeString(checkout.resolve("src/main/java/A.java"), "class A {}");
        Path pom = Files.writeString(checkout.resolve("pom.xml"), "<project/>");
        Path jar = Files.writeString(checkout.resolve("target/keybridge.jar"), "jar");
        Instant built = Instant.now().minusSeconds(60);
        try (var tree = Files.walk(checkout)) {
            for (Path path : tree.toList()) {
                Files.setLastModifiedTime(path, FileTime.from(built.minusSeconds(60))); // folders too: as checked out
            }
        }
        Files.setLastModifiedTime(jar, FileTime.from(built));

        Files.writeString(checkout.resolve("src/test/e2e/node_modules/playwright-core/index.js"), "x");
        Files.writeString(checkout.resolve("src/test/e2e/new.test.mjs"), "x");
        assertThat(stale(checkout))
                .as("test sources and node_modules are not in the jar")
                .isFalse();

        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        assertThat(stale(checkout)).as("a changed main source").isTrue();
        Files.setLastModifiedTime(source, FileTime.from(built.minusSeconds(60)));
        Files.setLastModifiedTime(pom, FileTime.from(Instant.now()));
        assertThat(stale(checkout)).as("a changed POM").isTrue();
        Files.delete(jar);
        assertThat(stale(checkout)).as("no jar").isTrue();
    }

    /**
     * A checkout whose entries are links to another (the README walkthrough test's): a link is newer than the jar, and
     * counting its time rebuilt the jar, and the classes, under the integration tests running from them.
     */
    @Test
    void aCheckoutOfLinksIsStaleOnlyIfWhatTheyPointAtChanged(@TempDir Path folder) throws Exception {
        Path real = Files.createDirectories(folder.resolve("real"));
        Files.createDirectories(real.resolve("src/main/java"));
        Files.createDirectories(real.resolve("target"));
        Path source = Files.writeString(real.resolve("src/main/java/A.java"), "class A {}");
        Files.writeString(real.resolve("pom.xml"), "<project/>");
        Path jar = Files.writeString(real.resolve("target/keybridge.jar"), "jar");
        Instant built = Instant.now().minusSeconds(60);
        try (var tree = Files.walk(real)) {
            for (Path path : tree.toList()) {
                Files.setLastModifiedTime(path, FileTime.from(built.minusSeconds(60)));
            }
        }
        Files.setLastModifiedTime(jar, FileTime.from(built));
        Path links = Files.createDirectories(folder.resolve("links"));
        for (String entry : List.of("src", "pom.xml", "target")) {
            Files.createSymbolicLink(links.resolve(entry), real.resolve(entry)); // created now: newer than the jar
        }

        assertThat(stale(links))
                .as("links made after the jar, to files older than it")
                .isFalse();
        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        assertThat(stale(links)).as("a changed main source behind a link").isTrue();
    }

    private static boolean stale(Path checkout) throws IOException, InterruptedException {
        Path lib = Path.of("scripts/lib").toAbsolutePath();
        Process process = new ProcessBuilder(
                        "bash",
                        "-c",
                        "source '" + lib.resolve("common.sh") + "'; source '" + lib.resolve("openbao.sh")
                                + "'; jar_is_stale")
                .directory(checkout.toFile())
                .inheritIO()
                .start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() == 0;
    }
}
