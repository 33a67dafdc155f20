package dev.offload.service;

import dev.offload.cluster.ClusterPool;
import dev.offload.micrometer.OffloadMetrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What {@code GET /metrics} answers, in Prometheus' text format 0.0.4: this host's pool
 * ({@link OffloadMetrics}: {@code offload_jobs_total}, {@code offload_job_duration_seconds}, …),
 * with a cluster the number of members ({@code offload_cluster_members}), and the service JVM's own
 * meters ({@code jvm_*}, {@code process_*}, {@code system_*}). Built and closed by the thread that
 * starts and closes the server; {@link #scrape} runs on the {@link SideThread}: it reads the pool's
 * histograms and the JVM's management beans, which takes far longer than an event loop may wait.
 */
final class ServiceMetrics implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Listens to the JVM's GC notifications until closed. */
    private final JvmGcMetrics gc = new JvmGcMetrics();

    /** @param clustered {@code cluster.members} is set: the cluster's size is a meter too */
    ServiceMetrics(ClusterPool pool, boolean clustered) {
        new OffloadMetrics(pool.localPool()).bindTo(registry);
        if (clustered) {
            Gauge.builder("offload.cluster.members", pool, p -> p.stats().members().size())
                    .description("Members of the cluster as this host sees them, itself included")
                    .register(registry);
        }
        List<MeterBinder> jvm = List.of(new JvmMemoryMetrics(), gc, new JvmThreadMetrics(), new ClassLoaderMetrics(),
                new JvmCompilationMetrics(), new JvmInfoMetrics(), new ProcessorMetrics(), new UptimeMetrics(),
                new FileDescriptorMetrics());
        jvm.forEach(binder -> binder.bindTo(registry));
    }

    /** The Prometheus text of every meter now. Side thread. */
    byte[] scrape() {
        return registry.scrape().getBytes(StandardCharsets.UTF_8);
    }

    /** Stops listening to GC notifications; the registry's meters stop being read. Idempotent. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
