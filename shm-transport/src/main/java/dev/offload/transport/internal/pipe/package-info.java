/** Internal (docs/API.md): the transport over a worker's stdin and stdout. */
package dev.offload.transport.internal.pipe;
