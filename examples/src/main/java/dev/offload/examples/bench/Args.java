package dev.offload.examples.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name=value} arguments of a benchmark main. A name the main does not know is an error:
 * a typo must not quietly run the default.
 */
final class Args {
    private final Map<String, String> values;

    private Args(Map<String, String> values) {
        this.values = values;
    }

    static Args parse(String[] args, String... known) {
        Set<String> names = Set.of(known);
        Map<String, String> values = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            String name = arg.startsWith("--") && eq > 2 ? arg.substring(2, eq) : null;
            if (name == null || !names.contains(name)) {
                throw new IllegalArgumentException("unknown argument " + arg + "; this program takes --NAME=VALUE with NAME one of " + names);
            }
            values.put(name, arg.substring(eq + 1));
        }
        return new Args(values);
    }

    int intValue(String name, int byDefault) {
        String value = values.get(name);
        if (value == null) {
            return byDefault;
        }
        int parsed = Integer.parseInt(value.replace("_", "").replace(",", ""));
        if (parsed < 0) {
            throw new IllegalArgumentException("--" + name + " must be >= 0 (got " + value + ")");
        }
        return parsed;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String text(String name) {
        return values.get(name);
    }

    /** {@code --transports=shm,pipe} (the default): the transports to measure, in order. */
    List<String> transports() {
        List<String> transports = List.of(values.getOrDefault("transports", "shm,pipe").split(","));
        for (String t : transports) {
            if (!t.equals("shm") && !t.equals("pipe")) {
                throw new IllegalArgumentException("--transports takes shm and/or pipe (got " + t + ")");
            }
        }
        return transports;
    }
}
