/** A pool's configuration: {@link dev.offload.config.PoolConfig}, from defaults, a YAML or JSON file, system properties and environment variables. */
package dev.offload.config;
