package io.keybridge.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.StringUtils;

/**
 * A secret keybridge itself needs, held in a file: the convention of Kubernetes and Docker secrets, Vault Agent's token
 * sink and projected service-account tokens. The file is read at start (a missing or empty one stops keybridge,
 * naming the setting) and again whenever it changes, so that a rotated credential is picked up without a restart. A
 * file that cannot be read for a moment (being replaced) keeps the value read before. The value is never logged.
 */
public final class SecretFile implements Supplier<String> {

    private static final Logger log = LoggerFactory.getLogger(SecretFile.class);

    private final Path file;
    private final String setting;
    private String value;
    private FileTime modified;
    private long size;

    /**
     * @param setting how the file is configured, for messages: {@code "KEYBRIDGE_ADMIN_TOKEN_FILE
     *     (keybridge.security.admin-token-file)"}
     * @throws IllegalStateException if the file does not exist, cannot be read or is empty
     */
    public SecretFile(Path file, String setting) {
        this.file = file;
        this.setting = setting;
        try {
            this.modified = Files.getLastModifiedTime(file);
            this.size = Files.size(file);
            this.value = read();
        } catch (IOException e) {
            throw new IllegalStateException(setting + " " + file + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * The secret from a value given in clear or from a file, whichever is set; empty when neither is.
     *
     * @throws IllegalStateException if both are set, or the file cannot be read
     */
    public static @Nullable Supplier<String> either(
            @Nullable String value, @Nullable String file, String valueSetting, String fileSetting) {
        boolean inClear = StringUtils.hasText(value);
        boolean inFile = StringUtils.hasText(file);
        if (inClear && inFile) {
            throw new IllegalStateException("both " + valueSetting + " and " + fileSetting
                    + " are set: give the secret one way (the file is re-read when it changes)");
        }
        if (inFile) {
            return new SecretFile(Path.of(file), fileSetting);
        }
        if (inClear) {
            String given = value.strip();
            return () -> given;
        }
        return null;
    }

    /** The file's content now, stripped of surrounding white space. */
    @Override
    public synchronized String get() {
        try {
            FileTime nowModified = Files.getLastModifiedTime(file);
            long nowSize = Files.size(file);
            if (!nowModified.equals(modified) || nowSize != size) {
                value = read();
                modified = nowModified;
                size = nowSize;
                log.info("{} {} changed: using the secret it holds now", setting, file.toAbsolutePath());
            }
        } catch (IOException | IllegalStateException e) {
            log.warn("{} {} cannot be read ({}); keeping the secret read before", setting, file, e.getMessage());
        }
        return value;
    }

    public Path path() {
        return file;
    }

    private String read() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new IllegalStateException(setting + " " + file + " is empty");
        }
        return text;
    }

    @Override
    public String toString() {
        return "SecretFile[" + file + "]"; // never the secret
    }
}
