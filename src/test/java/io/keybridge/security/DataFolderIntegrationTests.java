package io.keybridge.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.keybridge.support.KeybridgeProcess;
import io.keybridge.support.OpenBaoExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database's folder and files are private to keybridge's account (issue 16, item 14), and start-up logs
 * no generated Spring password (item 15).
 */
@ExtendWith(OpenBaoExtension.class)
class DataFolderIntegrationTests {

    @Test
    void theDataFolderIs0700AndItsFiles0600(@TempDir Path parent) throws IOException {
        Path folder = parent.resolve("data");
        Files.createDirectories(folder);
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x")); // as mkdir leaves it

        try (KeybridgeProcess keybridge = KeybridgeProcess.start(folder, "data-folder")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                    .isEqualTo("rwx------");
            List<Path> files;
            try (Stream<Path> listed = Files.list(folder)) {
                files = listed.filter(Files::isRegularFile).toList();
            }
            assertThat(files).extracting(path -> path.getFileName().toString()).contains("keybridge.mv.db");
            for (Path file : files) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                        .as(file.toString())
                        .isEqualTo("rw-------");
            }
            assertThat(Files.readString(keybridge.log())).doesNotContain("Using generated security password");
        }
    }
}
