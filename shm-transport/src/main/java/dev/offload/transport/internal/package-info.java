/** Internal (docs/API.md): the Channel SPI between a pool and its workers, and its frames. */
package dev.offload.transport.internal;
