package io.robustmq.kernel.support;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * Compiles a small echo protocol plugin against plugin-api during the test, and packages it as a
 * plugin jar: what a third party would drop into {@code plugins/}.
 * <p>
 * The plugin offers four listeners, all disabled unless configured: {@code tcp}, {@code tls},
 * {@code ws} (path {@code /echo}, subprotocol {@code echo}) and {@code wss}; every byte it receives it
 * writes back. At creation it checks that the kernel's classes are invisible to it, and fails if not.
 * With {@code start_gate = "<file>"} in its section, its {@code start()} waits until that file
 * exists, so a test can watch a node that is still starting. With {@code store_topic = "<topic>"},
 * instead of echoing it stores each chunk in partition 0 of that topic (created with one partition
 * if the metadata has none of that name) and answers with its offset.
 * With {@code metadata_probe = true}, each chunk is a topic name: the plugin creates the topic with
 * two partitions through the cluster's metadata and answers {@code "<partitions> <leader of shard 0>\n"},
 * or {@code "error <reason>\n"}.
 */
public final class EchoPluginJar
{
    private static final String SOURCE = """
        package test.plugin.%1$s;

        import io.netty.channel.ChannelHandlerContext;
        import io.netty.channel.ChannelInboundHandlerAdapter;
        import io.netty.channel.ChannelPipeline;
        import io.robustmq.plugin.api.ListenerConfig;
        import io.robustmq.plugin.api.ListenerSpec;
        import io.robustmq.plugin.api.PluginContext;
        import io.robustmq.plugin.api.ProtocolPlugin;
        import io.robustmq.plugin.api.ProtocolPluginFactory;
        import io.robustmq.plugin.api.Transport;

        import java.util.ArrayList;
        import java.util.List;

        public final class EchoPluginFactory implements ProtocolPluginFactory
        {
            @Override
            public String name()
            {
                return "%2$s";
            }

            @Override
            public ProtocolPlugin create(final PluginContext context)
            {
                try
                {
                    Class.forName("io.robustmq.kernel.RobustNode", false, EchoPluginFactory.class.getClassLoader());
                    throw new IllegalStateException("the kernel's classes are visible to a plugin");
                }
                catch (final ClassNotFoundException expected)
                {
                    // Isolated, as it should be.
                }
                final List<ListenerSpec> listeners = new ArrayList<>();
                ListenerConfig.read(context, new ListenerConfig.Defaults("tcp", Transport.TCP, 0, false, null, null))
                    .ifPresent(listeners::add);
                ListenerConfig.read(context, new ListenerConfig.Defaults("tls", Transport.TLS, 0, false, null, null))
                    .ifPresent(listeners::add);
                ListenerConfig.read(context, new ListenerConfig.Defaults("ws", Transport.WS, 0, false, "/echo", "echo"))
                    .ifPresent(listeners::add);
                ListenerConfig.read(context, new ListenerConfig.Defaults("wss", Transport.WSS, 0, false, "/echo", "echo"))
                    .ifPresent(listeners::add);
                final String startGate = context.config().getString("start_gate", "");
                final String storeTopic = context.config().getString("store_topic", "");
                return new EchoPlugin(listeners, startGate,
                    storeTopic.isEmpty() ? null : new Store(context, storeTopic),
                    context.config().getBoolean("metadata_probe", false) ? context.metadata() : null);
            }
        }

        /**
         * Stores each chunk it receives in a shard, and answers with the chunk's offset (8 bytes)
         * once the shard has it.
         */
        final class Store implements io.robustmq.plugin.api.storage.AppendCallback
        {
            private final io.robustmq.plugin.api.storage.Shard shard;
            private final int callbackId;
            private final java.util.Map<Long, ChannelHandlerContext> pending = new java.util.concurrent.ConcurrentHashMap<>();
            private final java.util.concurrent.atomic.AtomicLong correlation = new java.util.concurrent.atomic.AtomicLong();

            Store(final PluginContext context, final String topic)
            {
                try
                {
                    if (context.metadata().topic(topic).isEmpty())
                    {
                        context.metadata().createTopic(io.robustmq.plugin.api.metadata.TopicSpec.of(topic, 1))
                            .toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    this.shard = context.shards().open(topic, 0);
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException("cannot open the shard of " + topic, ex);
                }
                this.callbackId = context.shards().register(this);
            }

            void append(final ChannelHandlerContext ctx, final io.netty.buffer.ByteBuf chunk)
            {
                final long id = correlation.incrementAndGet();
                pending.put(id, ctx);
                try
                {
                    if (shard.append(chunk, 1, System.currentTimeMillis(), 0, callbackId, id) !=
                        io.robustmq.plugin.api.storage.Shard.SUBMITTED)
                    {
                        pending.remove(id);
                        ctx.close();
                    }
                }
                finally
                {
                    chunk.release();
                }
            }

            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                final ChannelHandlerContext ctx = pending.remove(correlationId);
                ctx.channel().eventLoop().execute(() ->
                    ctx.writeAndFlush(ctx.alloc().buffer(8).writeLong(baseOffset)));
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                final ChannelHandlerContext ctx = pending.remove(correlationId);
                ctx.channel().eventLoop().execute(ctx::close);
            }
        }

        final class EchoPlugin implements ProtocolPlugin
        {
            private final List<ListenerSpec> listeners;
            private final String startGate;
            private final Store store;
            private final io.robustmq.plugin.api.metadata.Metadata metadata;

            EchoPlugin(final List<ListenerSpec> listeners, final String startGate, final Store store,
                final io.robustmq.plugin.api.metadata.Metadata metadata)
            {
                this.listeners = listeners;
                this.startGate = startGate;
                this.store = store;
                this.metadata = metadata;
            }

            private void probe(final ChannelHandlerContext ctx, final io.netty.buffer.ByteBuf chunk)
            {
                final String topic = chunk.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
                chunk.release();
                metadata.createTopic(io.robustmq.plugin.api.metadata.TopicSpec.of(topic, 2)).whenComplete((info, failure) ->
                {
                    final String answer = failure == null ?
                        info.partitions() + " " + metadata.shard(topic, 0).orElseThrow().leader() :
                        "error " + ((io.robustmq.plugin.api.metadata.MetadataException)failure.getCause()).reason();
                    ctx.channel().eventLoop().execute(() -> ctx.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(
                        answer + "\\n", java.nio.charset.StandardCharsets.UTF_8)));
                });
            }

            @Override
            public void start() throws Exception
            {
                final long deadline = System.nanoTime() + 30_000_000_000L;
                while (!startGate.isEmpty() && !java.nio.file.Files.exists(java.nio.file.Path.of(startGate)))
                {
                    if (System.nanoTime() > deadline)
                    {
                        throw new IllegalStateException("start gate " + startGate + " never opened");
                    }
                    Thread.sleep(10);
                }
            }

            @Override
            public List<ListenerSpec> listeners()
            {
                return listeners;
            }

            @Override
            public void initChannel(final ChannelPipeline pipeline, final ListenerSpec listener)
            {
                pipeline.addLast("echo", new ChannelInboundHandlerAdapter()
                {
                    @Override
                    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
                    {
                        if (metadata != null)
                        {
                            probe(ctx, (io.netty.buffer.ByteBuf)msg);
                        }
                        else if (store == null)
                        {
                            ctx.writeAndFlush(msg);
                        }
                        else
                        {
                            store.append(ctx, (io.netty.buffer.ByteBuf)msg);
                        }
                    }
                });
            }

            @Override
            public void close()
            {
            }
        }
        """;

    private EchoPluginJar()
    {
    }

    /**
     * @param pluginsDir where to put the jar.
     * @param pluginName the plugin's name.
     * @param jarName    the jar's file name.
     * @return the jar.
     * @throws IOException if it cannot be built.
     */
    public static Path build(final Path pluginsDir, final String pluginName, final String jarName) throws IOException
    {
        final String pkg = pluginName.replace('-', '_') + "_" + Long.toHexString(System.nanoTime());
        final Path work = Files.createTempDirectory(pluginsDir.getParent(), "echo-src");
        final Path source = work.resolve("src/test/plugin/" + pkg + "/EchoPluginFactory.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SOURCE.formatted(pkg, pluginName));
        final Path classes = Files.createDirectories(work.resolve("classes"));

        final JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        final ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        final int status = compiler.run(null, diagnostics, diagnostics, "--release", "17",
            "-classpath", System.getProperty("java.class.path"), "-d", classes.toString(), source.toString());
        if (status != 0)
        {
            throw new IllegalStateException("echo plugin did not compile:\n" + diagnostics.toString(StandardCharsets.UTF_8));
        }

        final Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, "9.9.9-test");
        final Path jar = Files.createDirectories(pluginsDir).resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest);
            Stream<Path> files = Files.walk(classes))
        {
            for (final Path file : (Iterable<Path>)files.filter(Files::isRegularFile)::iterator)
            {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
            writeEntry(out, "META-INF/services/io.robustmq.plugin.api.ProtocolPluginFactory",
                "test.plugin." + pkg + ".EchoPluginFactory\n");
        }
        return jar;
    }

    /**
     * A jar whose service declaration names a class that is not in it.
     *
     * @param pluginsDir where to put the jar.
     * @param jarName    the jar's file name.
     * @return the jar.
     * @throws IOException if it cannot be written.
     */
    public static Path buildBroken(final Path pluginsDir, final String jarName) throws IOException
    {
        final Path jar = Files.createDirectories(pluginsDir).resolve(jarName);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)))
        {
            writeEntry(out, "META-INF/services/io.robustmq.plugin.api.ProtocolPluginFactory",
                "test.plugin.missing.NoSuchFactory\n");
        }
        return jar;
    }

    private static void writeEntry(final JarOutputStream out, final String name, final String text) throws IOException
    {
        out.putNextEntry(new JarEntry(name));
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.closeEntry();
    }
}
