package dev.offload.service;

import com.fasterxml.jackson.databind.JavaType;
import dev.offload.worker.internal.HandlerTypes;
import dev.offload.worker.JobHandler;

import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handlers a service exposes, by the names its config gives them. Only these names are
 * reachable over HTTP: a request names a handler, never a class. Immutable.
 */
final class HandlerCatalog {

    /** A servable handler: its class and the input type a request body is decoded into. */
    record Entry(String name, Class<? extends JobHandler<Object, Object>> type, JavaType input, JavaType output) {
    }

    private final Map<String, Entry> byName;

    private HandlerCatalog(Map<String, Entry> byName) {
        this.byName = Collections.unmodifiableMap(byName);
    }

    /**
     * Loads and checks every class of {@code handlers} (name to class name) the way a worker will,
     * without running their static initialisers.
     *
     * @throws InvalidHandlerException naming the first handler that cannot be served and why
     */
    static HandlerCatalog load(Map<String, String> handlers, ClassLoader loader) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        handlers.forEach((name, className) -> byName.put(name, entry(name, className, loader)));
        return new HandlerCatalog(byName);
    }

    /** The handler with this name, or null. */
    Entry get(String name) {
        return byName.get(name);
    }

    List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @SuppressWarnings("unchecked")
    private static Entry entry(String name, String className, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw invalid(name, className, "is not on the class path", e);
        } catch (LinkageError e) {
            throw invalid(name, className, "cannot be loaded: " + e, e);
        }
        if (!JobHandler.class.isAssignableFrom(type)) {
            throw invalid(name, className, "does not implement " + JobHandler.class.getName(), null);
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers()) || type.isInterface()) {
            throw invalid(name, className, "must be a public, non-abstract class", null);
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw invalid(name, className, "needs a public no-arg constructor", e);
        }
        HandlerTypes types;
        try {
            types = HandlerTypes.of(type);
        } catch (RuntimeException e) {
            throw invalid(name, className, "has input or output types that cannot be resolved: " + e.getMessage(), e);
        }
        return new Entry(name, (Class<? extends JobHandler<Object, Object>>) type, types.input(), types.output());
    }

    private static InvalidHandlerException invalid(String name, String className, String why, Throwable cause) {
        return new InvalidHandlerException("handler '" + name + "': class " + className + " " + why
                + " (fix handlers." + name + " in the config)", cause);
    }
}
