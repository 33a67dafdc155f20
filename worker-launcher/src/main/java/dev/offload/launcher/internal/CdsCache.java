package dev.offload.launcher.internal;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where workers' AppCDS archives are kept, and how one is named. No thread of its own; stateless.
 *
 * <p>The directory is {@code $XDG_CACHE_HOME/offload/cds}, else {@code ~/.cache/offload/cds}, else
 * (no usable home) {@code <java.io.tmpdir>/offload-cds-<user>}. On disk rather than under the pool's
 * shm directory: an archive is worth keeping across pools and reboots (it is made once per class
 * path and JDK, costs a JVM run to make, and is 5–20 MB that tmpfs would hold in RAM), while a
 * pool's shm directory goes when the pool does.
 *
 * <p>An archive is code the worker maps and runs, so the directory must be this user's alone:
 * created 0700, and refused if another user owns it or others may write to it.
 */
final class CdsCache {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final int DYNAMIC_ARCHIVE_MAGIC = 0xf00baba8;
    private static final Set<PosixFilePermission> WRITABLE_BY_OTHERS =
            Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);
    private static final int HASH_BYTES = 10;
    /** {@link #archiveName}'s names, and the files {@link CdsMaker} puts beside one: nothing else is ours. */
    private static final Pattern OUR_FILE = Pattern.compile(
            "(worker-[a-z]+-[0-9a-f]{" + 2 * HASH_BYTES + "}\\.jsa)(\\.lock|\\.failed|\\.[0-9]+\\.tmp)?");

    private CdsCache() {
    }

    /** The candidate directories, best first. */
    static List<Path> candidates() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path home = Path.of(System.getProperty("user.home", "/nonexistent"));
        Path cache = xdg != null && xdg.startsWith("/") ? Path.of(xdg) : home.resolve(".cache");
        Path tmp = Path.of(System.getProperty("java.io.tmpdir", "/tmp"));
        return List.of(cache.resolve("offload").resolve("cds"),
                tmp.resolve("offload-cds-" + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9_.-]", "_")));
    }

    /**
     * The first candidate that exists or can be made, and that only this user can write to.
     *
     * @throws IOException naming every candidate and why it was refused
     */
    static Path directory(List<Path> candidates) throws IOException {
        StringBuilder refused = new StringBuilder();
        for (Path dir : candidates) {
            try {
                return checked(dir);
            } catch (IOException e) {
                refused.append(refused.length() == 0 ? "" : "; ").append(e.getMessage());
            }
        }
        throw new IOException("no usable directory for worker class archives: " + refused);
    }

    private static Path checked(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another JVM made it just now: checked below like any existing one
            }
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory");
        }
        String me = System.getProperty("user.name");
        String owner = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName();
        if (!owner.equals(me)) {
            throw new IOException(dir + " belongs to " + owner + ", not " + me);
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        if (perms.stream().anyMatch(WRITABLE_BY_OTHERS::contains)) {
            throw new IOException(dir + " is writable by other users (" + PosixFilePermissions.toString(perms) + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new IOException(dir + " is not writable");
        }
        return dir;
    }

    /**
     * The archive's file name for a worker command: the JDK (home and exact version), the whole
     * command line (class path, JVM options and flags: what the archive must match), the size and
     * modification time of every jar on the class path (what the JVM checks before it maps the
     * archive: a rebuilt jar at the same path gets a new archive rather than one the JVM refuses,
     * quietly), and the transport (which decides the classes a worker loads before HELLO).
     */
    static String archiveName(List<String> command, String classPath, String transport) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            List<String> parts = new ArrayList<>(List.of(System.getProperty("java.home"),
                    System.getProperty("java.vm.version"), transport));
            parts.addAll(command);
            for (Path jar : jars(classPath)) {
                try {
                    parts.add(jar + " " + Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis());
                } catch (IOException e) {
                    parts.add(jar + " missing");
                }
            }
            for (String part : parts) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "worker-" + transport + "-" + HexFormat.of().formatHex(sha.digest(), 0, HASH_BYTES) + ".jsa";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * The archive file that {@code fileName} is or belongs to (its {@code .lock}, its {@code .failed}
     * note, a training's {@code .<pid>.tmp}), or null for a file that is not ours.
     */
    static String archiveOf(String fileName) {
        Matcher m = OUR_FILE.matcher(fileName);
        return m.matches() ? m.group(1) : null;
    }

    /** Marks {@code archive} as used just now (what {@link CdsPruner} keeps by); quiet when it is not there. */
    static void touch(Path archive) {
        try {
            Files.setLastModifiedTime(archive, FileTime.from(Instant.now()));
        } catch (IOException e) {
            // not made yet, or being replaced
        }
    }

    /** Why workers started with {@code command} cannot use an archive of ours, or null when they can. */
    static String whyNot(List<String> command, String classPath) {
        if (command.stream().anyMatch(a -> a.startsWith("-Xshare") || a.contains("SharedArchiveFile")
                || a.contains("ArchiveClassesAtExit") || a.startsWith("-XX:AOT"))) {
            return "workers.jvmArgs manage class data sharing themselves";
        }
        for (String entry : classPath.split(File.pathSeparator)) {
            Path path = Path.of(entry.isEmpty() ? "." : entry);
            if (Files.isDirectory(path) && !isEmptyDirectory(path)) {
                return "the class path holds a directory (" + entry + "), and the JVM archives classes only from jars";
            }
        }
        return null;
    }

    private static boolean isEmptyDirectory(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether {@code file} starts as a dynamic AppCDS archive does (HotSpot's
     * CDS_DYNAMIC_ARCHIVE_MAGIC, JDK 13 to 25). Unreadable counts as yes: the JVM will say more.
     */
    static boolean isDynamicArchive(Path file) {
        ByteBuffer head = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (head.hasRemaining() && channel.read(head) >= 0) {
                // a 4-byte read from a local file: one call in practice
            }
        } catch (IOException e) {
            return true; // gone or unreadable now: the JVM will say so, and the start is retried without it
        }
        return !head.hasRemaining() && head.getInt(0) == DYNAMIC_ARCHIVE_MAGIC;
    }

    /** The class path's files, a {@code dir/*} entry expanded to its jars as the JVM does. */
    private static List<Path> jars(String classPath) {
        List<Path> jars = new ArrayList<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (entry.endsWith("*")) {
                Path dir = Path.of(entry.substring(0, entry.length() - 1));
                try (Stream<Path> files = Files.list(dir.toString().isEmpty() ? Path.of(".") : dir)) {
                    files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jar"))
                            .sorted().forEach(jars::add);
                } catch (IOException | UncheckedIOException e) {
                    jars.add(dir); // listed as missing
                }
            } else if (!entry.isEmpty() && !Files.isDirectory(Path.of(entry))) {
                jars.add(Path.of(entry));
            }
        }
        return jars;
    }
}
