package io.robustmq.journal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * journal-tool: look inside a shard's files.
 * <pre>
 *   journal-tool dump   &lt;shard-dir&gt; [--from-offset N] [--limit N] [--payload]
 *   journal-tool verify &lt;shard-dir&gt;
 *   journal-tool index  &lt;shard-dir&gt; [--segment BASE] [--index-interval BYTES]
 * </pre>
 * Read-only: it never opens the shard with {@link ShardLog#open} (which recovers, and so may cut,
 * zero, rename and write files); it maps the files read-only and creates, writes, renames and
 * deletes nothing. So it may look at the shard of a running node, or at a damaged one as the
 * crash left it. Launched by {@code scripts/journal-tool}; documented in {@code docs/journal.md}.
 * <p>
 * Exit status: {@link #OK}; {@link #PROBLEMS} when {@code verify} finds anything wrong (or
 * {@code index} finds an index file it cannot use); {@link #FAILED} for a usage error, a missing
 * directory, a directory that is not a shard, or a file that cannot be read.
 */
public final class JournalTool
{
    /** Exit status: done, nothing wrong found. */
    public static final int OK = 0;
    /** Exit status: the shard has problems, each named in the output. */
    public static final int PROBLEMS = 1;
    /** Exit status: the tool could not do what it was asked; one line on the error stream says why. */
    public static final int FAILED = 2;

    static final String NAME = "journal-tool";

    static final String USAGE = """
        usage: journal-tool dump   <shard-dir> [--from-offset N] [--limit N] [--payload]
               journal-tool verify <shard-dir>
               journal-tool index  <shard-dir> [--segment BASE] [--index-interval BYTES]

        Reads a shard's files without changing them (no recovery, read-only mappings), so it may
        inspect the shard of a running node or a damaged one.

          dump     one line per frame: segment, position, base offset, records, max timestamp,
                   format, payload length, frame length, CRC ok or BAD
            --from-offset N   start at the batch holding offset N
            --limit N         print at most N frames
            --payload         add the first 32 payload bytes in hex
          verify   check every frame's CRC and offsets, offset continuity across segments, each
                   sealed segment's index file against its frames, the checkpoint; prints every
                   problem (file, position, reason) and a summary
          index    print index entries (relative offset, offset, position, timestamp): a sealed
                   segment's from its index file, the active segment's by indexing its frames as
                   the writer does
            --segment BASE          only the segment whose base offset is BASE
            --index-interval BYTES  the shard's index interval, for the active segment (default %d)

        Exit status: 0 ok; 1 problems found (verify), or an index file unusable (index);
        2 usage error, no such directory, not a shard, unreadable file.
        """.formatted(ShardConfig.defaults(Durability.NONE).indexIntervalBytes());

    /** Options each command takes; true if the option takes a value. */
    private static final Map<String, Map<String, Boolean>> OPTIONS = Map.of(
        "dump", Map.of("--from-offset", true, "--limit", true, "--payload", false),
        "verify", Map.of(),
        "index", Map.of("--segment", true, "--index-interval", true));

    private JournalTool()
    {
    }

    /**
     * A failure that ends the tool with {@link #FAILED} and one line saying why.
     */
    static final class Failure extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        Failure(final String message)
        {
            super(message);
        }
    }

    /**
     * A command line, parsed.
     *
     * @param command  dump, verify or index.
     * @param shardDir the shard's directory.
     * @param options  the options given, with their values ("" for a flag).
     */
    record Arguments(String command, Path shardDir, Map<String, String> options)
    {
        boolean flag(final String name)
        {
            return options.containsKey(name);
        }

        long number(final String name, final long defaultValue, final long min)
        {
            final String value = options.get(name);
            if (value == null)
            {
                return defaultValue;
            }
            try
            {
                final long number = Long.parseLong(value);
                if (number >= min)
                {
                    return number;
                }
            }
            catch (final NumberFormatException ignored)
            {
                // reported below
            }
            throw usage(name + " wants a whole number of at least " + min + ", not '" + value + "'");
        }
    }

    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Run the tool.
     *
     * @param args its arguments, as on the command line.
     * @param out  where its output goes.
     * @param err  where the line saying why it failed goes.
     * @return the exit status: {@link #OK}, {@link #PROBLEMS} or {@link #FAILED}.
     */
    public static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        try
        {
            final Arguments arguments = parse(args);
            if (arguments == null)
            {
                out.print(USAGE);
                return OK;
            }
            final ShardFiles shard = ShardFiles.list(arguments.shardDir());
            return switch (arguments.command())
            {
                case "dump" -> new DumpCommand(arguments.number("--from-offset", 0, 0),
                    arguments.number("--limit", Long.MAX_VALUE, 1), arguments.flag("--payload")).run(shard, out);
                case "verify" -> new VerifyCommand(out).run(shard);
                case "index" -> new IndexCommand(arguments.options().containsKey("--segment") ?
                    arguments.number("--segment", 0, 0) : -1,
                    (int)arguments.number("--index-interval", ShardConfig.defaults(Durability.NONE).indexIntervalBytes(),
                        1)).run(shard, out);
                default -> throw usage("unknown command '" + arguments.command() + "'");
            };
        }
        catch (final Failure ex)
        {
            err.println(NAME + ": " + ex.getMessage());
            return FAILED;
        }
        catch (final IOException ex)
        {
            err.println(NAME + ": cannot read the shard: " + ex);
            return FAILED;
        }
        catch (final RuntimeException ex)
        {
            err.println(NAME + ": failed: " + ex);
            return FAILED;
        }
        finally
        {
            out.flush();
        }
    }

    /**
     * @return the arguments, or null if help was asked for.
     */
    static Arguments parse(final String[] args)
    {
        String command = null;
        Path shardDir = null;
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h") || arg.equals("help"))
            {
                return null;
            }
            if (command == null)
            {
                if (!OPTIONS.containsKey(arg))
                {
                    throw usage(arg.startsWith("-") ? "a command comes first, not '" + arg + "'" :
                        "unknown command '" + arg + "'");
                }
                command = arg;
                continue;
            }
            if (arg.startsWith("--"))
            {
                final int equals = arg.indexOf('=');
                final String name = equals < 0 ? arg : arg.substring(0, equals);
                final Boolean takesValue = OPTIONS.get(command).get(name);
                if (takesValue == null)
                {
                    throw usage("unknown option '" + name + "' for " + command);
                }
                if (!takesValue)
                {
                    if (equals >= 0)
                    {
                        throw usage(name + " takes no value");
                    }
                    options.put(name, "");
                }
                else if (equals >= 0)
                {
                    options.put(name, arg.substring(equals + 1));
                }
                else if (i + 1 < args.length)
                {
                    options.put(name, args[++i]);
                }
                else
                {
                    throw usage(name + " wants a value");
                }
                continue;
            }
            if (shardDir != null)
            {
                throw usage("one shard directory at a time, got '" + shardDir + "' and '" + arg + "'");
            }
            shardDir = Path.of(arg);
        }
        if (command == null)
        {
            throw usage("no command");
        }
        if (shardDir == null)
        {
            throw usage(command + " wants a shard directory");
        }
        return new Arguments(command, shardDir, Map.copyOf(options));
    }

    private static Failure usage(final String message)
    {
        return new Failure(message + " (see " + NAME + " --help)");
    }

    /**
     * @param timestamp a largest timestamp, epoch ms.
     * @return it, or "none" for Long.MIN_VALUE (no record, so no timestamp).
     */
    static String timestamp(final long timestamp)
    {
        return timestamp == Long.MIN_VALUE ? "none" : Long.toString(timestamp);
    }
}
