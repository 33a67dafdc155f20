/** Internal (docs/API.md): the worker JVM (WorkerMain and its loop) and what parent and worker share. */
package dev.offload.worker.internal;
