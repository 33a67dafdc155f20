/** Worker-side classes Offload uses itself; not for handler authors. */
package dev.offload.worker.internal;
