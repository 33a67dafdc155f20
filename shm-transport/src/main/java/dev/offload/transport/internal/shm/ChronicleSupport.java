package dev.offload.transport.internal.shm;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Chronicle Queue needs from the JVM it runs in: module access flags, and the system
 * properties that keep it quiet (no analytics, no banner, no disk-space thread, no per-mapping
 * timing lines in a worker's stderr). Both lists are read from {@link JvmFlagFiles}, which the build
 * generates from the parent pom.
 *
 * <p>This class must not touch any Chronicle class (but in {@link #initialiseInWorker}, whose job
 * it is): it is used to decide whether Chronicle can be loaded at all, and to set properties that
 * Chronicle reads in its static initialisers.
 */
public final class ChronicleSupport {

    /** One {@code --add-exports} or {@code --add-opens} of a package to the class path. */
    private record Access(String flag, boolean open, String module, String pkg) {
        private static final Pattern FLAG = Pattern.compile("--add-(exports|opens)=([^/=]+)/([^/=]+)=ALL-UNNAMED");

        static Access parse(String flag) {
            Matcher m = FLAG.matcher(flag);
            if (!m.matches()) {
                throw new IllegalStateException(JvmFlagFiles.CHRONICLE + " holds " + flag
                        + ", not --add-exports or --add-opens of module/package to ALL-UNNAMED");
            }
            return new Access(flag, m.group(1).equals("opens"), m.group(2), m.group(3));
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

    private static final List<Access> ACCESSES;
    private static final Map<String, String> QUIET_PROPERTIES;

    static {
        List<Access> accesses = new ArrayList<>();
        Map<String, String> quiet = new LinkedHashMap<>();
        for (String flag : JvmFlagFiles.read(JvmFlagFiles.CHRONICLE)) {
            if (flag.startsWith("-D")) {
                int eq = flag.indexOf('=');
                quiet.put(flag.substring(2, eq < 0 ? flag.length() : eq), eq < 0 ? "" : flag.substring(eq + 1));
            } else {
                accesses.add(Access.parse(flag));
            }
        }
        ACCESSES = List.copyOf(accesses);
        QUIET_PROPERTIES = Collections.unmodifiableMap(quiet);
    }

    private ChronicleSupport() {
    }

    /**
     * Every flag a JVM of this runtime needs to run the shm transport: {@link #requiredJvmFlags()},
     * {@link #jdk23JvmFlags()} and {@link #quietSystemPropertyFlags()}. The launcher gives them to
     * every worker (which runs on the same {@code java.home}); {@code offload jvm-flags} prints them.
     */
    public static List<String> jvmFlags() {
        List<String> flags = new ArrayList<>(requiredJvmFlags());
        flags.addAll(jdk23JvmFlags());
        flags.addAll(quietSystemPropertyFlags());
        return List.copyOf(flags);
    }

    /**
     * The {@code --add-exports}/{@code --add-opens} flags Chronicle Queue needs, spelled as
     * command-line arguments, for every module this runtime has.
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

    /**
     * On JDK 23 and later, the flags that let Chronicle use {@code sun.misc.Unsafe} memory access and
     * jffi load native code without a warning at every start; empty before (JDK 17 rejects them).
     */
    public static List<String> jdk23JvmFlags() {
        return Runtime.version().feature() >= 23 ? JvmFlagFiles.read(JvmFlagFiles.JDK23) : List.of();
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
