package incidentkg.neo4jserver;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Starts a real, embedded Neo4j Community 5.26 DBMS with its Bolt connector on a loopback port,
 * for tests and CI. Not a mock: this is the same kernel, Cypher runtime, native auth provider and
 * Bolt server that the packaged Neo4j server runs; only the HTTP connector and the
 * {@code neo4j} start script are left out.
 *
 * <p>When Bolt is accepting connections, the default database is available and the password is
 * set, it prints exactly one line on stdout:
 *
 * <pre>NEO4J_READY bolt://127.0.0.1:PORT</pre>
 *
 * <p>It shuts down cleanly (checkpoint, close stores, close Bolt) on SIGTERM/SIGINT and, with
 * {@code --exit-on-stdin-close}, when its stdin reaches end-of-file (so a parent test process that
 * dies takes the server with it), then prints {@code NEO4J_STOPPED}.
 *
 * <pre>
 * Options:
 *   --port N                Bolt port on 127.0.0.1; 0 (default) picks a free port.
 *   --home DIR              Neo4j home (data, logs). Default: a temp dir, deleted on exit.
 *   --password PW           Password for user neo4j (auth enabled). Default: $NEO4J_PASSWORD.
 *   --no-auth               Disable authentication (any credentials are accepted).
 *   --pagecache SIZE_MB     Page cache size in MiB (default 64).
 *   --exit-on-stdin-close   Shut down when stdin reaches EOF.
 * </pre>
 *
 * Exit codes: 0 clean shutdown, 2 bad usage, 1 start failure.
 */
public final class Neo4jLauncher {

    private static final String LOOPBACK = "127.0.0.1";
    private static final int MAX_BIND_ATTEMPTS = 5;

    private Neo4jLauncher() {}

    public static void main(String[] args) {
        Options opts;
        try {
            opts = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("NEO4J_ERROR usage: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            run(opts);
            System.exit(0);
        } catch (Throwable t) {
            System.err.println("NEO4J_ERROR " + oneLine(t));
            t.printStackTrace(System.err);
            System.exit(1);
        }
    }

    private static void run(Options opts) throws Exception {
        final PrintStream out = System.out;
        final boolean tempHome = opts.home == null;
        final Path home = tempHome
                ? Files.createTempDirectory("incidentkg-neo4j-")
                : Files.createDirectories(opts.home.toAbsolutePath());

        DatabaseManagementService dbms = null;
        int port = 0;
        Exception lastBindFailure = null;
        for (int attempt = 1; attempt <= MAX_BIND_ATTEMPTS && dbms == null; attempt++) {
            port = opts.port != 0 ? opts.port : freeLoopbackPort();
            try {
                dbms = newBuilder(home, port, opts).build();
                // A Bolt bind failure surfaces either from build() or as a missing connector.
                int bound = boundBoltPort(dbms);
                if (bound != port) {
                    throw new BindException("Bolt connector not bound on port " + port + " (got " + bound + ")");
                }
            } catch (Exception e) {
                if (dbms != null) {
                    safeShutdown(dbms);
                    dbms = null;
                }
                if (opts.port == 0 && isBindFailure(e)) {
                    lastBindFailure = e; // raced with another process for the port: try another
                    continue;
                }
                deleteQuietly(tempHome ? home : null);
                throw e;
            }
        }
        if (dbms == null) {
            deleteQuietly(tempHome ? home : null);
            throw new IllegalStateException("could not bind Bolt after " + MAX_BIND_ATTEMPTS + " attempts", lastBindFailure);
        }

        final DatabaseManagementService service = dbms;
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch shutdownRequested = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shutdownRequested.countDown();
            safeShutdown(service);
            deleteQuietly(tempHome ? home : null);
            out.println("NEO4J_STOPPED");
            out.flush();
            stopped.countDown();
        }, "neo4j-launcher-shutdown"));

        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        GraphDatabaseService neo4j = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        waitAvailable(system, "system");
        waitAvailable(neo4j, GraphDatabaseSettings.DEFAULT_DATABASE_NAME);

        if (opts.password != null) {
            // Embedded transactions bypass auth, so we can set the real password (and clear the
            // "change required" flag of the default neo4j/neo4j user) before announcing readiness.
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED",
                    Map.of("pw", opts.password));
        }

        out.println("NEO4J_READY bolt://" + LOOPBACK + ":" + port);
        out.flush();

        if (opts.exitOnStdinClose) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat as closed
                }
                System.exit(0); // runs the shutdown hook
            }, "neo4j-launcher-stdin-watch");
            watcher.setDaemon(true);
            watcher.start();
        }

        // Park until the shutdown hook runs (SIGTERM/SIGINT or System.exit from the stdin watcher).
        shutdownRequested.await();
        stopped.await(2, TimeUnit.MINUTES);
    }

    private static DatabaseManagementServiceBuilder newBuilder(Path home, int port, Options opts) {
        SocketAddress bolt = new SocketAddress(LOOPBACK, port);
        return new DatabaseManagementServiceBuilder(home)
                // Bolt on loopback only, plaintext (drivers: bolt:// and neo4j://, no +s).
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, bolt)
                // Advertised address is what neo4j:// routing tables hand out: must be the real port.
                .setConfig(BoltConnector.advertised_address, bolt)
                .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress(LOOPBACK))
                .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(LOOPBACK))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                // Server-side routing would open a second (intra-cluster) Bolt port (default 7688),
                // which clashes between parallel instances. Client-side routing (neo4j://) still
                // works: the routing table procedure returns this single server for all roles.
                .setConfig(GraphDatabaseSettings.routing_enabled, false)
                // Auth: native provider, user neo4j; no lock-out so auth-failure tests stay deterministic.
                .setConfig(GraphDatabaseSettings.auth_enabled, opts.password != null)
                .setConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                // Keep the footprint small: tests run alongside on a 2-core machine.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(opts.pagecacheMb))
                .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Fast stop: by default the Bolt server idles ~5 s on shutdown waiting for its
                // connections and worker threads, which a throw-away test server does not need.
                .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(200))
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(200));
    }

    private static int boundBoltPort(DatabaseManagementService dbms) {
        GraphDatabaseAPI api = (GraphDatabaseAPI) dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        ConnectorPortRegister ports = api.getDependencyResolver().resolveDependency(ConnectorPortRegister.class);
        HostnamePort local = ports.getLocalAddress(ConnectorType.BOLT);
        return local == null ? -1 : local.getPort();
    }

    private static void waitAvailable(GraphDatabaseService db, String name) {
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(2))) {
            throw new IllegalStateException("database '" + name + "' did not become available");
        }
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
            return s.getLocalPort();
        }
    }

    private static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) {
                return true;
            }
            String m = String.valueOf(c.getMessage()).toLowerCase();
            if (m.contains("address already in use") || m.contains("bind")) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    private static void safeShutdown(DatabaseManagementService dbms) {
        try {
            dbms.shutdown();
        } catch (Throwable t) {
            System.err.println("NEO4J_WARN shutdown: " + oneLine(t));
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("NEO4J_WARN could not delete " + dir + ": " + e.getMessage());
        }
    }

    private static String oneLine(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
        if (root != t) {
            msg += " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
    }

    private static final class Options {
        int port = 0;
        Path home;
        String password = System.getenv("NEO4J_PASSWORD");
        boolean noAuth;
        long pagecacheMb = 64;
        boolean exitOnStdinClose;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--port" -> o.port = parsePort(value(args, ++i, a));
                    case "--home" -> o.home = Path.of(value(args, ++i, a));
                    case "--password" -> o.password = value(args, ++i, a);
                    case "--no-auth" -> o.noAuth = true;
                    case "--pagecache" -> o.pagecacheMb = Long.parseLong(value(args, ++i, a));
                    case "--exit-on-stdin-close" -> o.exitOnStdinClose = true;
                    case "-h", "--help" -> throw new IllegalArgumentException(
                            "Neo4jLauncher [--port N] [--home DIR] [--password PW | --no-auth]"
                                    + " [--pagecache MB] [--exit-on-stdin-close]");
                    default -> throw new IllegalArgumentException("unknown argument: " + a);
                }
            }
            if (o.noAuth) {
                o.password = null;
            } else if (o.password == null || o.password.isEmpty()) {
                throw new IllegalArgumentException(
                        "no password: set NEO4J_PASSWORD, pass --password PW, or pass --no-auth");
            } else if (o.password.length() < 8) {
                throw new IllegalArgumentException("password must be at least 8 characters (Neo4j 5 minimum)");
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return args[i];
        }

        private static int parsePort(String s) {
            int p = Integer.parseInt(s);
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port out of range: " + s);
            }
            return p;
        }
    }
}
