import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The module boundaries of DESIGN.md, checked before anything compiles:
 * <ul>
 *   <li>a plugin (any pom under plugins/) depends on no module of ours but plugin-api, tests
 *       included, and its sources import nothing of the kernel, the journal or the meta cluster
 *       (a protocol's tests that start a node live in a module of their own under tests/);</li>
 *   <li>no module but distribution, bench and the protocol tests depends on a plugin, and the
 *       kernel's sources import no plugin;</li>
 *   <li>plugin-api depends on no module of ours.</li>
 * </ul>
 * Run by the root pom at validate ({@code java scripts/build/ModuleBoundaryCheck.java ROOT}); prints
 * one line per violation and exits 1, or exits 0 quietly. Standard library only, so that it runs
 * before the build has compiled anything.
 */
public final class ModuleBoundaryCheck
{
    private static final String GROUP = "io.robustmq";
    private static final Set<String> MAY_DEPEND_ON_PLUGINS = Set.of("distribution", "bench", "mqtt-tests", "kafka-tests", "amqp-tests");
    private static final Pattern PLUGIN_FORBIDDEN_IMPORT =
        Pattern.compile("\\bio\\.robustmq\\.(kernel|journal|meta)\\b");
    private static final Pattern KERNEL_FORBIDDEN_IMPORT =
        Pattern.compile("\\bio\\.robustmq\\.plugin\\.(?!api\\b)[a-z0-9_]+\\b");


    private record Module(Path dir, Path pom, String artifactId, List<String> ourDependencies,
        List<String> ourTestDependencies)
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        final List<String> violations = check(root);
        for (final String violation : violations)
        {
            System.out.println("module boundary violated: " + violation);
        }
        System.exit(violations.isEmpty() ? 0 : 1);
    }

    static List<String> check(final Path root) throws Exception
    {
        final List<Module> modules = new ArrayList<>();
        collect(root, root.resolve("pom.xml"), modules);

        final Path pluginsDir = root.resolve("plugins");
        final Set<String> pluginArtifacts = new TreeSet<>();
        for (final Module module : modules)
        {
            if (module.dir().startsWith(pluginsDir))
            {
                pluginArtifacts.add(module.artifactId());
            }
        }

        final List<String> violations = new ArrayList<>();
        for (final Module module : modules)
        {
            final String where = root.relativize(module.pom()).toString();
            final boolean isPlugin = module.dir().startsWith(pluginsDir);
            for (final String dependency : module.ourDependencies())
            {
                checkDependency(module, dependency, isPlugin, false, pluginArtifacts, where, violations);
            }
            for (final String dependency : module.ourTestDependencies())
            {
                checkDependency(module, dependency, isPlugin, true, pluginArtifacts, where, violations);
            }
            if (isPlugin)
            {
                scanSources(root, module.dir().resolve("src"), PLUGIN_FORBIDDEN_IMPORT,
                    "a plugin may use only plugin-api", violations);
            }
            else if (module.artifactId().equals("kernel"))
            {
                scanSources(root, module.dir().resolve("src/main"), KERNEL_FORBIDDEN_IMPORT,
                    "the kernel never uses a plugin", violations);
            }
        }
        return violations;
    }

    private static void checkDependency(
        final Module module,
        final String dependency,
        final boolean isPlugin,
        final boolean inTests,
        final Set<String> pluginArtifacts,
        final String where,
        final List<String> violations)
    {
        if (isPlugin && !dependency.equals("plugin-api"))
        {
            violations.add(where + ": " + module.artifactId() + " depends on " + GROUP + ":" + dependency +
                (inTests ? " in its tests" : "") + " (a plugin may depend only on plugin-api; tests that start " +
                "a node belong in tests/)");
        }
        else if (!isPlugin && pluginArtifacts.contains(dependency) && !MAY_DEPEND_ON_PLUGINS.contains(module.artifactId()))
        {
            violations.add(where + ": " + module.artifactId() + " depends on the plugin " + GROUP + ":" + dependency +
                " (only distribution, bench and the protocol tests may)");
        }
        else if (module.artifactId().equals("plugin-api"))
        {
            violations.add(where + ": plugin-api depends on " + GROUP + ":" + dependency +
                " (plugin-api depends on no module of ours)");
        }
    }

    private static void collect(final Path root, final Path pom, final List<Module> modules) throws Exception
    {
        final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
        final Element project = document.getDocumentElement();
        final List<String> ours = new ArrayList<>();
        final List<String> oursInTests = new ArrayList<>();
        for (final Element dependencies : children(project, "dependencies"))
        {
            addOurs(dependencies, ours, oursInTests);
        }
        for (final Element profiles : children(project, "profiles"))
        {
            for (final Element profile : children(profiles, "profile"))
            {
                for (final Element dependencies : children(profile, "dependencies"))
                {
                    addOurs(dependencies, ours, oursInTests);
                }
            }
        }
        modules.add(new Module(pom.getParent(), pom, text(project, "artifactId"), ours, oursInTests));

        for (final Element list : children(project, "modules"))
        {
            for (final Element module : children(list, "module"))
            {
                final Path child = pom.getParent().resolve(module.getTextContent().trim()).normalize();
                final Path childPom = Files.isDirectory(child) ? child.resolve("pom.xml") : child;
                collect(root, childPom, modules);
            }
        }
    }

    private static void addOurs(final Element dependencies, final List<String> ours, final List<String> oursInTests)
    {
        for (final Element dependency : children(dependencies, "dependency"))
        {
            if (GROUP.equals(text(dependency, "groupId")))
            {
                ("test".equals(text(dependency, "scope")) ? oursInTests : ours).add(text(dependency, "artifactId"));
            }
        }
    }

    private static void scanSources(
        final Path root, final Path dir, final Pattern forbidden, final String rule, final List<String> violations)
        throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return;
        }
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : (Iterable<Path>)files.filter(f -> f.toString().endsWith(".java"))::iterator)
            {
                final List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++)
                {
                    final Matcher matcher = forbidden.matcher(lines.get(i));
                    if (matcher.find())
                    {
                        violations.add(root.relativize(file) + ":" + (i + 1) + ": uses " + matcher.group() +
                            " (" + rule + ")");
                    }
                }
            }
        }
    }

    private static List<Element> children(final Element parent, final String name)
    {
        final List<Element> result = new ArrayList<>();
        final NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++)
        {
            final Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name))
            {
                result.add(element);
            }
        }
        return result;
    }

    private static String text(final Element parent, final String name)
    {
        final List<Element> found = children(parent, name);
        return found.isEmpty() ? "" : found.get(0).getTextContent().trim();
    }
}
