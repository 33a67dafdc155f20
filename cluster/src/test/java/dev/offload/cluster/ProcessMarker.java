package dev.offload.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * For tests that start JVMs (hosts, services, their workers): a flag to put on every command line,
 * so that they can be found afterwards through /proc, even when a killed host's workers are no
 * longer this JVM's descendants. Not an {@code offload.*} property, which config would read. Also
 * hands out free loopback ports. Shared with the service module's tests (this module's test-jar).
 */
public final class ProcessMarker {
    private final String flag = "-Dofftest.run=" + UUID.randomUUID();

    /** {@code -Dofftest.run=<a random id>}. */
    public String flag() {
        return flag;
    }

    /** Live processes, other than this one, with the flag on their command line: "pid command line…". */
    public List<String> live() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses()
                .filter(p -> p.pid() != self && p.isAlive())
                .map(p -> p.pid() + " " + commandLine(p))
                .filter(line -> line.contains(flag))
                .map(line -> line.substring(0, Math.min(200, line.length())))
                .toList();
    }

    /** {@code n} free {@code 127.0.0.1:port} addresses. */
    public static List<String> freeAddresses(int n) throws IOException {
        var sockets = new ArrayList<ServerSocket>();
        try {
            for (int i = 0; i < n; i++) {
                sockets.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
            }
            return sockets.stream().map(s -> "127.0.0.1:" + s.getLocalPort()).toList();
        } finally {
            for (ServerSocket s : sockets) {
                s.close();
            }
        }
    }

    /** The whole command line from /proc: {@code ProcessHandle.Info} cuts it at about 4 KB, a class path is longer. */
    private static String commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return ""; // ended meanwhile, or not ours to read
        }
    }
}
