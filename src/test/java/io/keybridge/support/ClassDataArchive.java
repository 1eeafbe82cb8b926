package io.keybridge.support;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * A class data sharing archive (JDK CDS) of keybridge's classes, made once per test run and used by every
 * {@link KeybridgeProcess} started from the test class path: the tests start some forty JVMs, and each spends most of
 * its start-up on loading and verifying the same classes (about 10 s each on two cores, a third less with the archive).
 *
 * <p>CDS archives jars only, so the class path's folders ({@code target/classes}, {@code target/test-classes}) are
 * copied into jars first; every process then runs from those jars. The archive comes from a training run that stops
 * once the context is refreshed ({@code spring.context.exit}, as Spring Boot's CDS guide does). It is written under a
 * temporary name and moved into place, so no JVM ever maps a half-written file; should anything fail, the processes
 * start from the plain class path without it, only slower.
 */
final class ClassDataArchive {

    private static final Path FOLDER = Path.of("target/crash-tests/class-data");
    private static final Path ARCHIVE = FOLDER.resolve("keybridge.jsa");
    private static List<String> launch;

    private ClassDataArchive() {}

    /**
     * How to launch {@code mainClass} from the test class path: with the archive, made on first call by running
     * {@code training} on that launch (it returns the whole command; its process gets {@code environment}).
     */
    static synchronized List<String> launch(
            String mainClass, Function<List<String>, List<String>> training, Map<String, String> environment) {
        if (launch == null) {
            launch = make(mainClass, training, environment);
        }
        return launch;
    }

    private static List<String> make(
            String mainClass, Function<List<String>, List<String>> training, Map<String, String> environment) {
        String classPath = System.getProperty("java.class.path");
        List<String> plain = List.of("-cp", classPath, mainClass);
        Path log = FOLDER.resolve("training.log");
        try {
            Files.createDirectories(FOLDER);
            String jarred = jarred(classPath);
            Path partial = FOLDER.resolve("keybridge.jsa.partial");
            Files.deleteIfExists(partial);
            List<String> command = new ArrayList<>(training.apply(List.of("-cp", jarred, mainClass)));
            command.add(1, "-XX:ArchiveClassesAtExit=" + partial.toAbsolutePath());
            command.add(2, "-Dspring.context.exit=onRefresh");
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(180, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                return without("the training run did not end within 180 s", log, plain);
            }
            if (process.exitValue() != 0 || !Files.exists(partial)) {
                return without("the training run exited with " + process.exitValue(), log, plain);
            }
            Files.move(partial, ARCHIVE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return List.of(
                    "-XX:SharedArchiveFile=" + ARCHIVE.toAbsolutePath(), "-Xshare:auto", "-cp", jarred, mainClass);
        } catch (IOException | UncheckedIOException e) {
            return without(e.getMessage(), log, plain);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return without("interrupted", log, plain);
        }
    }

    /** The class path with each folder replaced by a jar of its contents. */
    private static String jarred(String classPath) throws IOException {
        List<String> entries = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = FOLDER.resolve(path.getFileName() + ".jar");
                jar(path, jar);
                entries.add(jar.toAbsolutePath().toString());
            } else {
                entries.add(entry);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void jar(Path folder, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted().toList()) {
                if (path.equals(folder)) {
                    continue;
                }
                // folders too: Spring's class path scanning asks the class loader for them
                String name = folder.relativize(path).toString().replace(File.separatorChar, '/');
                boolean directory = Files.isDirectory(path);
                out.putNextEntry(new JarEntry(directory ? name + "/" : name));
                if (!directory) {
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
    }

    private static List<String> without(String why, Path log, List<String> plain) {
        System.err.printf("keybridge processes start without a class data archive: %s (see %s)%n", why, log);
        return plain;
    }
}
