package dev.offload.transport.internal.shm;

import org.slf4j.Logger;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** File chores shared by the shm classes: private directories, recursive delete, closing in bulk. */
final class ShmFiles {
    static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(OWNER_ONLY);

    private ShmFiles() {
    }

    /** Creates a 0700 directory; fails if it exists. */
    static void createPrivateDirectory(Path dir) throws IOException {
        Files.createDirectory(dir, OWNER_ONLY_ATTRIBUTE);
        // The umask can only take bits away from 0700, but say it outright rather than rely on that.
        Files.setPosixFilePermissions(dir, OWNER_ONLY);
    }

    /** Deletes {@code dir} if it exists, then creates it empty with mode 0700. */
    static void recreateDirectory(Path dir) throws IOException {
        deleteRecursively(dir);
        createPrivateDirectory(dir);
    }

    /**
     * Deletes a tree, depth first, without following symbolic links (a link is deleted, never its
     * target). Keeps going past failures and throws the first with the others suppressed. A missing
     * tree is not an error.
     */
    static void deleteRecursively(Path root) throws IOException {
        IOException[] first = new IOException[1];
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (!(e instanceof NoSuchFileException)) {
                        record(e);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                    if (e != null) {
                        record(e);
                    }
                    delete(dir);
                    return FileVisitResult.CONTINUE;
                }

                private void delete(Path path) {
                    try {
                        Files.deleteIfExists(path);
                    } catch (IOException e) {
                        record(e);
                    }
                }

                private void record(IOException e) {
                    if (first[0] == null) {
                        first[0] = e;
                    } else {
                        first[0].addSuppressed(e);
                    }
                }
            });
        } catch (NoSuchFileException e) {
            return;
        }
        if (first[0] != null) {
            throw first[0];
        }
    }

    /** Closes each (nulls skipped), even when one fails; failures are logged, never thrown. */
    static void closeAll(Logger log, String owner, List<? extends AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception | LinkageError e) {
                log.warn("{}: failed to close {}", owner, c, e);
            }
        }
    }
}
