/** The same jobs across hosts: {@link dev.offload.cluster.ClusterPool}, on Hazelcast. */
package dev.offload.cluster;
