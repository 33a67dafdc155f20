/** The pool of worker JVMs an application submits jobs to: {@link dev.offload.pool.WorkerPool}, its options, statistics and exceptions. */
package dev.offload.pool;
