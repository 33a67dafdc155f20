package dev.offload.cluster;

import dev.offload.config.PoolConfig;
import dev.offload.pool.JobOptions;
import dev.offload.worker.internal.PayloadCodec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.concurrent.CompletionException;

/**
 * A host for tests: joins the cluster that {@code -Doffload.*} properties configure, prints
 * {@code ready <bind>}, then follows one command per line on stdin, answering on stdout:
 * {@code stats} → {@code stats <ClusterStats as JSON>}; {@code submit <id> <handler class> <input JSON>}
 * → {@code done <id> ok <result JSON>} or {@code done <id> failed <exception type> <message>};
 * {@code quit}, or the end of stdin (the test JVM is gone), closes the pool and exits.
 */
public final class ClusterHostMain {
    private ClusterHostMain() {
    }

    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err); // only protocol lines on stdout
        int status;
        try {
            status = run(PoolConfig.fromEnvironment(), out);
        } catch (RuntimeException e) {
            e.printStackTrace();
            status = 1;
        }
        System.exit(status);
    }

    private static int run(PoolConfig config, PrintStream out) throws IOException {
        try (ClusterPool pool = ClusterPool.join(config)) {
            out.println("ready " + config.clusterBind());
            var in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                String[] words = line.split(" ", 4);
                switch (words[0]) {
                    case "stats" -> print(out, "stats " + json(pool.stats()));
                    case "submit" -> pool.submitJson(words[2], words[3].getBytes(StandardCharsets.UTF_8), JobOptions.defaults())
                            .whenComplete((result, failure) -> print(out, "done " + words[1] + outcome(result, failure)));
                    case "quit" -> {
                        return 0;
                    }
                    default -> System.err.println("unknown command: " + line);
                }
            }
            return 0;
        }
    }

    private static String outcome(byte[] result, Throwable failure) {
        if (failure == null) {
            return " ok " + new String(result, StandardCharsets.UTF_8);
        }
        Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return " failed " + f.getClass().getName() + " " + String.valueOf(f.getMessage()).replace('\n', ' ');
    }

    private static String json(ClusterStats stats) throws IOException {
        var map = new LinkedHashMap<String, Object>();
        map.put("completed", stats.local().completed());
        map.put("failed", stats.local().failed());
        map.put("cancelled", stats.local().cancelled());
        map.put("timeouts", stats.local().timeouts());
        map.put("busy", stats.local().busy());
        map.put("queued", stats.local().queued());
        map.put("members", stats.members());
        return PayloadCodec.mapper().writeValueAsString(map);
    }

    private static synchronized void print(PrintStream out, String line) {
        out.println(line);
    }
}
