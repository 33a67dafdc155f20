package dev.offload.transport.internal.shm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What Chronicle Queue needs from the JVM it runs in: module access flags, and the system
 * properties that keep it quiet (no analytics, no banner, no disk-space thread, no per-mapping
 * timing lines in a worker's stderr).
 *
 * <p>This class must not touch any Chronicle class (but in {@link #initialiseInWorker}, whose job
 * it is): it is used to decide whether Chronicle can be loaded at all, and to set properties that
 * Chronicle reads in its static initialisers.
 */
public final class ChronicleSupport {

    /** One {@code --add-exports} or {@code --add-opens} of a package to the class path. */
    private record Access(boolean open, String module, String pkg) {
        String flag() {
            return (open ? "--add-opens=" : "--add-exports=") + module + "/" + pkg + "=ALL-UNNAMED";
        }

        /** The module, when this runtime has it (a jlink'd runtime may lack jdk.compiler). */
        Optional<Module> bootModule() {
            return ModuleLayer.boot().findModule(module);
        }

        boolean grantedTo(Module target) {
            Module m = bootModule().orElseThrow();
            return open ? m.isOpen(pkg, target) : m.isExported(pkg, target);
        }
    }

    // Keep in step with chronicle.jvm.flags in the parent pom and with bin/offload.
    private static final List<Access> ACCESSES = List.of(
            new Access(false, "java.base", "jdk.internal.ref"),
            new Access(false, "java.base", "sun.nio.ch"),
            new Access(false, "jdk.unsupported", "sun.misc"),
            new Access(false, "jdk.compiler", "com.sun.tools.javac.file"),
            new Access(true, "jdk.compiler", "com.sun.tools.javac"),
            new Access(true, "java.base", "java.lang"),
            new Access(true, "java.base", "java.lang.reflect"),
            new Access(true, "java.base", "java.io"),
            new Access(true, "java.base", "java.util"),
            new Access(true, "java.base", "sun.nio.ch"));

    /**
     * Property names as read by chronicle-core / chronicle-threads 2026.x (found in the jars:
     * AnalyticsFacade, InternalAnnouncer, DiskSpaceMonitor, Jvm, AbstractReferenceCounted).
     */
    private static final Map<String, String> QUIET_PROPERTIES = quietProperties();

    private ChronicleSupport() {
    }

    private static Map<String, String> quietProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("chronicle.analytics.disable", "true");   // never phone home
        props.put("chronicle.announcer.disable", "true");   // no start-up banner
        props.put("chronicle.disk.monitor.disable", "true"); // no disk-space thread: tmpfs, and we delete as we go
        props.put("disable.perf.info", "true");             // no "Took N ms to add mapping" on every roll
        props.put("jvm.resource.tracing", "false");         // no allocation-site capture per resource
        // No "Chronicle core loaded from ..." INFO line at start-up: Jvm logs it unconditionally.
        // This quiets it under slf4j-simple; other logging back-ends take their own setting.
        props.put("org.slf4j.simpleLogger.log.net.openhft.chronicle.core.Jvm", "warn");
        return props;
    }

    /**
     * The {@code --add-exports}/{@code --add-opens} flags Chronicle Queue needs, spelled as
     * command-line arguments, for every module this runtime has. The launcher passes them to
     * every worker (which runs on the same {@code java.home}).
     */
    public static List<String> requiredJvmFlags() {
        List<String> flags = new ArrayList<>();
        for (Access access : ACCESSES) {
            if (access.bootModule().isPresent()) {
                flags.add(access.flag());
            }
        }
        return List.copyOf(flags);
    }

    /** The required flags this JVM was started without; empty when Chronicle can run here. */
    public static List<String> missingJvmFlags() {
        Module self = ChronicleSupport.class.getModule();
        List<String> missing = new ArrayList<>();
        for (Access access : ACCESSES) {
            if (access.bootModule().isPresent() && !access.grantedTo(self)) {
                missing.add(access.flag());
            }
        }
        return List.copyOf(missing);
    }

    /** The quiet properties as {@code -Dname=value} arguments for a child JVM. */
    public static List<String> quietSystemPropertyFlags() {
        List<String> flags = new ArrayList<>();
        QUIET_PROPERTIES.forEach((name, value) -> flags.add("-D" + name + "=" + value));
        return List.copyOf(flags);
    }

    /**
     * For a worker JVM only, before its shm channel is opened: makes Chronicle ready while the
     * parent is still preparing the channel's files, so that the two overlap.
     *
     * <p>Chronicle's POSIX binding becomes its no-op first. chronicle-core initialises the binding
     * eagerly (in {@code Jvm}'s static initialiser) through jnr-ffi, which loads native code and
     * generates classes at run time that no class archive can hold: a large part of a worker's
     * start. The queues on tmpfs would call it only to {@code msync}, and they never sync. The
     * caller's JVM keeps the real binding: its own Chronicle code may need it.
     */
    public static void initialiseInWorker() {
        quietChronicle();
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
        ClassLoader loader = ChronicleSupport.class.getClassLoader();
        for (String name : List.of("net.openhft.chronicle.core.Jvm",
                "net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder")) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                return; // opening the channel reports it
            }
        }
    }

    /**
     * Sets the quiet properties in this JVM, leaving any the user set alone. Takes effect only
     * if called before Chronicle's classes initialise; {@link ShmChannel} calls it first thing.
     */
    public static void quietChronicle() {
        QUIET_PROPERTIES.forEach((name, value) -> {
            if (System.getProperty(name) == null) {
                System.setProperty(name, value);
            }
        });
    }
}
