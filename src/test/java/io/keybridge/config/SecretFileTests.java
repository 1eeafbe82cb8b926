package io.keybridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

@ExtendWith(OutputCaptureExtension.class)
class SecretFileTests {

    private static final String SETTING = "KEYBRIDGE_X_FILE (keybridge.x-file)";

    @TempDir
    Path folder;

    @Test
    void readsTheFileAgainWhenItChangesAndNeverLogsTheSecret(CapturedOutput output) throws Exception {
        Path file = Files.writeString(folder.resolve("secret"), "  first-secret-value\n");
        SecretFile secret = new SecretFile(file, SETTING);
        assertThat(secret.get()).isEqualTo("first-secret-value");

        replace(file, "other-secret-value\n"); // same length: only the time tells
        assertThat(secret.get()).isEqualTo("other-secret-value");
        replace(file, "a-longer-third-secret-value");
        assertThat(secret.get()).isEqualTo("a-longer-third-secret-value");

        assertThat(output.getAll())
                .contains("KEYBRIDGE_X_FILE", "changed")
                .doesNotContain("first-secret-value", "other-secret-value", "third-secret-value");
        assertThat(secret.toString()).doesNotContain("secret-value");
    }

    @Test
    void aFileThatGoesAwayOrIsEmptiedForAMomentKeepsTheSecretReadBefore() throws Exception {
        Path file = Files.writeString(folder.resolve("secret"), "kept-secret");
        SecretFile secret = new SecretFile(file, SETTING);

        replace(file, "   \n");
        assertThat(secret.get()).isEqualTo("kept-secret");
        Files.delete(file);
        assertThat(secret.get()).isEqualTo("kept-secret");
        Files.writeString(file, "back-again");
        assertThat(secret.get()).isEqualTo("back-again");
    }

    @Test
    void aMissingOrEmptyFileAtStartNamesTheSettingAndTheFile() throws Exception {
        Path missing = folder.resolve("missing");
        assertThatIllegalStateException()
                .isThrownBy(() -> new SecretFile(missing, SETTING))
                .withMessageStartingWith(SETTING + " " + missing)
                .withMessageContaining("cannot be read");
        Path empty = Files.writeString(folder.resolve("empty"), "\n");
        assertThatIllegalStateException()
                .isThrownBy(() -> new SecretFile(empty, SETTING))
                .withMessage(SETTING + " " + empty + " is empty");
    }

    @Test
    void eitherTakesTheValueOrTheFileButNotBoth() throws Exception {
        Path file = Files.writeString(folder.resolve("secret"), "from-the-file");

        assertThat(SecretFile.either(null, "", "A", "A_FILE")).isNull();
        assertThat(SecretFile.either(" in-clear ", null, "A", "A_FILE"))
                .extracting(Supplier::get)
                .isEqualTo("in-clear");
        assertThat(SecretFile.either("", file.toString(), "A", "A_FILE"))
                .extracting(Supplier::get)
                .isEqualTo("from-the-file");
        assertThatIllegalStateException()
                .isThrownBy(() -> SecretFile.either("in-clear", file.toString(), "A", "A_FILE"))
                .withMessageContaining("both A and A_FILE are set");
    }

    private static void replace(Path file, String text) throws Exception {
        FileTime before = Files.getLastModifiedTime(file);
        Files.writeString(file, text);
        Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2_000));
    }
}
