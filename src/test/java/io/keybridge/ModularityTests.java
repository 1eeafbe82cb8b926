package io.keybridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * keybridge's modules (one per top-level package below {@code io.keybridge}) depend on each other without cycles and
 * only through each other's public API: a module's base package and what it names with {@code @NamedInterface}; its
 * sub-packages are its own. The module documentation in {@code docs/modules/} is what this structure draws; after a
 * change, {@code KEYBRIDGE_WRITE_MODULES=true} writes it again.
 */
class ModularityTests {

    private static final Path DOCUMENTED = Path.of("docs/modules");

    private final ApplicationModules modules = ApplicationModules.of(KeybridgeApplication.class);

    @Test
    void modulesHaveNoCyclesAndUseOnlyEachOthersPublicApi() {
        modules.verify();
    }

    @Test
    void theModuleDocumentationInDocsIsCurrent() throws IOException {
        Path written = Path.of("target/modules-documentation");
        new Documenter(modules, Documenter.Options.defaults().withOutputFolder(written.toString()))
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
        if ("true".equals(System.getenv("KEYBRIDGE_WRITE_MODULES"))) {
            Files.createDirectories(DOCUMENTED);
            try (Stream<Path> old = Files.list(DOCUMENTED)) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            for (Path file : files(written)) {
                Files.copy(written.resolve(file), DOCUMENTED.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
        }

        assertThat(files(DOCUMENTED))
                .as("docs/modules: run ModularityTests with KEYBRIDGE_WRITE_MODULES=true after changing the modules")
                .containsExactlyElementsOf(files(written));
        for (Path file : files(written)) {
            // the Documenter lists modules and relations in the order it found them, which varies from run to run
            assertThat(sortedLines(DOCUMENTED.resolve(file)))
                    .as("docs/modules/%s is current (KEYBRIDGE_WRITE_MODULES=true writes it again)", file)
                    .isEqualTo(sortedLines(written.resolve(file)));
        }
    }

    private static List<String> sortedLines(Path file) throws IOException {
        return Files.readAllLines(file).stream().sorted().toList();
    }

    /** The file names in a folder, sorted. */
    private static List<Path> files(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(Path::getFileName).sorted().toList();
        }
    }
}
