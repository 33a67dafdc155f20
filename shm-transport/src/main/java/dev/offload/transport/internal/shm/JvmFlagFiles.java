package dev.offload.transport.internal.shm;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flag lists that the build writes into the jars from the parent pom's properties, the one
 * place they are written by hand. Each is a {@code java} argument file ({@code java @file}): flags
 * separated by white space, {@code #} starting a comment that runs to the end of the line.
 */
public final class JvmFlagFiles {
    /** Chronicle's module access and quiet properties, for every JDK (shm-transport's jar). */
    public static final String CHRONICLE = "META-INF/offload/jvm-flags.txt";
    /** What JDK 23 and later need on top (shm-transport's jar); JDK 17 to 22 reject these flags. */
    public static final String JDK23 = "META-INF/offload/jvm-flags-jdk23.txt";
    /** What Hazelcast asks for (the cluster module's jar). */
    public static final String CLUSTER = "META-INF/offload/jvm-flags-cluster.txt";

    private JvmFlagFiles() {
    }

    /**
     * The flags of one of the files above, in order.
     *
     * @throws IllegalStateException when the resource is not on the class path or was not filled in
     */
    public static List<String> read(String resource) {
        try (InputStream in = JvmFlagFiles.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path: it comes with "
                        + (resource.equals(CLUSTER) ? "the cluster jar" : "the shm-transport jar"));
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    /** The flags of an argument file's {@code text}; {@code source} names it in errors. */
    public static List<String> parse(String source, String text) {
        List<String> flags = new ArrayList<>();
        for (String line : text.split("\\R")) {
            int comment = line.indexOf('#');
            String body = comment < 0 ? line : line.substring(0, comment);
            for (String flag : body.strip().split("\\s+")) {
                if (flag.contains("${")) {
                    throw new IllegalStateException(source + " holds " + flag + ": the build did not fill it in");
                }
                if (!flag.isEmpty()) {
                    flags.add(flag);
                }
            }
        }
        return List.copyOf(flags);
    }
}
