/** What handler authors write against: {@link dev.offload.worker.JobHandler} and {@link dev.offload.worker.JobContext}. */
package dev.offload.worker;
