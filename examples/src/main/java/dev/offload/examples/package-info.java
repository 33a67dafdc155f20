/** Offload used as a new user would: from a Vert.x verticle, a Netty handler, a plain main. */
package dev.offload.examples;
