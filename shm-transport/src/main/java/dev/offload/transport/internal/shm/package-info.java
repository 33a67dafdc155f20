/** Internal (docs/API.md): the shared-memory transport on Chronicle Queue, and what Chronicle needs from the JVM. */
package dev.offload.transport.internal.shm;
