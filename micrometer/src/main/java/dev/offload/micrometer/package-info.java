/** A pool's statistics as Micrometer meters: {@link dev.offload.micrometer.OffloadMetrics}. */
package dev.offload.micrometer;
