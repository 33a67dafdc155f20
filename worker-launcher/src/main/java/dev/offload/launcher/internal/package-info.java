/** Internal (docs/API.md): the parent side of a worker JVM: its command line, start, watch and AppCDS archive. */
package dev.offload.launcher.internal;
