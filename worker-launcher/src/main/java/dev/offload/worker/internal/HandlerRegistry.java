package dev.offload.worker.internal;

import dev.offload.worker.JobHandler;
import java.lang.reflect.Constructor;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;

/**
 * The handlers a worker has instantiated, one instance per class, made on first use. Owned by the
 * worker's main thread.
 */
final class HandlerRegistry {
    private final ClassLoader loader;
    private final Map<String, Loaded> byName = new HashMap<>();

    HandlerRegistry(ClassLoader loader) {
        this.loader = loader;
    }

    record Loaded(JobHandler<Object, Object> handler, HandlerTypes types) {
    }

    Loaded get(String className) throws ReflectiveOperationException {
        Loaded loaded = byName.get(className);
        if (loaded == null) {
            loaded = load(className);
            byName.put(className, loaded);
        }
        return loaded;
    }

    @SuppressWarnings("unchecked")
    private Loaded load(String className) throws ReflectiveOperationException {
        Class<?> type;
        try {
            // initialize=false: no static initializer runs before we know the class is a handler
            type = Class.forName(className, false, loader);
        } catch (ClassNotFoundException e) {
            throw new ClassNotFoundException("handler class " + className + " is not on the worker's class path", e);
        }
        if (!JobHandler.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(className + " does not implement " + JobHandler.class.getName());
        }
        if (!Modifier.isPublic(type.getModifiers()) || Modifier.isAbstract(type.getModifiers())) {
            throw new IllegalArgumentException("handler " + className + " must be a public, non-abstract class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new NoSuchMethodException("handler " + className + " needs a public no-arg constructor");
        }
        JobHandler<Object, Object> handler = (JobHandler<Object, Object>) constructor.newInstance();
        return new Loaded(handler, HandlerTypes.of(type));
    }
}
