/**
 * plugin-api v1: what a protocol plugin compiles against, and all it may see of the kernel.
 * A plugin implements {@link io.robustmq.plugin.api.ProtocolPluginFactory}, declares it in
 * {@code META-INF/services}, and is loaded from the class path or from a jar in {@code plugins/}.
 */
package io.robustmq.plugin.api;
