/** The job handlers the examples and benchmarks run in the workers. */
package dev.offload.examples.handlers;
