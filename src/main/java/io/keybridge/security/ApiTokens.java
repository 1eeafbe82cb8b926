package io.keybridge.security;

import io.keybridge.config.SecretFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * The tokens keybridge accepts, by SHA-256. On a first run with no token configured, an admin token is generated and
 * written to a file only its owner can read; the log names the file, never the token.
 */
@Component
public class ApiTokens {

    private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private static final Caller ADMIN = new Caller("admin", EnumSet.of(Role.ADMIN));

    private final Map<String, Caller> byHash = new HashMap<>();

    /**
     * The admin token's file, when the admin token comes from one: read again whenever it changes, so that a mounted
     * secret can be rotated without a restart (the token read before stops working at once).
     */
    private final @Nullable SecretFile adminFile;

    public ApiTokens(SecurityProperties properties, SecureRandom random) {
        for (SecurityProperties.Token token : properties.tokens()) {
            if (token.sha256() == null || !SHA256_HEX.matcher(token.sha256()).matches()) {
                throw new IllegalStateException(
                        "keybridge.security.tokens: token '" + token.name() + "' needs sha256 = 64 hex characters");
            }
            if (token.roles() == null || token.roles().isEmpty()) {
                throw new IllegalStateException("keybridge.security.tokens: token '" + token.name() + "' has no roles");
            }
            byHash.put(token.sha256().toLowerCase(Locale.ROOT), new Caller(token.name(), Set.copyOf(token.roles())));
        }
        if (StringUtils.hasText(properties.adminToken())) {
            byHash.put(sha256(properties.adminToken()), ADMIN);
            adminFile = null;
        } else if (byHash.values().stream().noneMatch(caller -> caller.roles().contains(Role.ADMIN))) {
            adminFile = adminTokenFile(properties.adminTokenFile(), random);
        } else {
            adminFile = null;
        }
    }

    /** The caller a presented token belongs to. */
    public Optional<Caller> find(String token) {
        String hash = sha256(token);
        Caller caller = byHash.get(hash);
        if (caller == null
                && adminFile != null
                && MessageDigest.isEqual(
                        hash.getBytes(StandardCharsets.US_ASCII),
                        sha256(adminFile.get()).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(ADMIN);
        }
        return Optional.ofNullable(caller);
    }

    /** SHA-256 of a token, in lower-case hex: the form tokens are configured in. */
    public static String sha256(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    private static SecretFile adminTokenFile(Path file, SecureRandom random) {
        String setting = "KEYBRIDGE_ADMIN_TOKEN_FILE (keybridge.security.admin-token-file)";
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                log.info("admin token: read from {}, and again whenever it changes", file.toAbsolutePath());
                return new SecretFile(file, setting);
            }
            byte[] bytes = new byte[32];
            random.nextBytes(bytes);
            String token = "kbt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            log.warn("no admin token configured: generated one and wrote it to {} (mode 0600)", file.toAbsolutePath());
            return new SecretFile(file, setting);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read or create the admin token file " + file, e);
        }
    }

    /** Who called, as the audit log names them, and what they may do. */
    public record Caller(String name, Set<Role> roles) {}
}
