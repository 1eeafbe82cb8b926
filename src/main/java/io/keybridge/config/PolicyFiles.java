package io.keybridge.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The YAML files of a policy location: {@code classpath:policies/rotation} (the defaults shipped inside the jar), or a
 * folder, which replaces them. Files are read in name order.
 */
public final class PolicyFiles {

    /** The prefix of a location inside the jar. */
    public static final String CLASSPATH = "classpath:";

    /** One file: its name (for messages) and its text. */
    public record PolicyFile(String name, String text) {}

    private PolicyFiles() {}

    /** Whether the location names the files shipped in the jar. */
    public static boolean shipped(String location) {
        return location.startsWith(CLASSPATH);
    }

    /**
     * The {@code *.yaml} and {@code *.yml} files at the location; empty if it is a folder that does not exist.
     *
     * @throws UncheckedIOException if the folder or a file cannot be read
     */
    public static Optional<List<PolicyFile>> read(String location) {
        List<PolicyFile> files = new ArrayList<>();
        try {
            if (shipped(location)) {
                String folder = location.substring(CLASSPATH.length()).replaceAll("^/+|/+$", "");
                PathMatchingResourcePatternResolver resolver = new PathMatchingResourcePatternResolver();
                for (String pattern : List.of("/*.yaml", "/*.yml")) {
                    for (Resource resource : resolver.getResources(CLASSPATH + folder + pattern)) {
                        files.add(new PolicyFile(
                                resource.getFilename(), resource.getContentAsString(StandardCharsets.UTF_8)));
                    }
                }
            } else {
                Path folder = Path.of(location);
                if (!Files.isDirectory(folder)) {
                    return Optional.empty();
                }
                try (DirectoryStream<Path> found = Files.newDirectoryStream(folder, "*.{yaml,yml}")) {
                    for (Path file : found) {
                        files.add(new PolicyFile(file.getFileName().toString(), Files.readString(file)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location + ": " + e.getMessage(), e);
        }
        files.sort(Comparator.comparing(PolicyFile::name));
        return Optional.of(List.copyOf(files));
    }

    /** The location as people should read it in a log line. */
    public static String describe(String location) {
        return shipped(location)
                ? "the jar (" + location + ")"
                : Path.of(location).toAbsolutePath().toString();
    }
}
