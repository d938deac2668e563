package io.pipelinelens.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * A real PostgreSQL for tests: the server on this machine (127.0.0.1:5432, overridable with
 * {@code PIPELINELENS_TEST_PG_HOST/PORT/USER/PASSWORD}), or a Testcontainers one where no local
 * server answers and a Docker engine exists. Never skips: without either, tests fail and say why.
 *
 * <p>Each caller gets its own fresh database, so test classes run in any order.
 */
public final class LocalPostgres {

    private static volatile Server server;

    private LocalPostgres() {}

    /** A JDBC endpoint of the server. */
    public record Server(String host, int port, String user, String password) {
        String url(String database) {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }
    }

    /** A database that belongs to one test class; {@link #close()} drops it. */
    public record Database(Server server, String name) implements AutoCloseable {
        public String jdbcUrl() {
            return server.url(name);
        }

        public String username() {
            return server.user();
        }

        public String password() {
            return server.password();
        }

        public Connection connect() throws SQLException {
            return DriverManager.getConnection(jdbcUrl(), username(), password());
        }

        @Override
        public void close() {
            execute(server, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
        }
    }

    /**
     * Creates an empty database named after {@code prefix}, the creation time and a random suffix.
     * Databases that earlier runs left behind (a killed JVM never drops its own) are dropped once
     * they are an hour old.
     */
    public static Database createDatabase(String prefix) {
        Server s = server();
        long now = System.currentTimeMillis() / 1000;
        dropStale(s, now - 3600);
        String name = ("plt" + now + "_" + prefix + "_"
                        + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_]", "_");
        if (name.length() > 63) {
            name = name.substring(0, 63);
        }
        execute(s, "CREATE DATABASE \"" + name + "\"");
        return new Database(s, name);
    }

    private static void dropStale(Server s, long olderThanEpochSecond) {
        java.util.List<String> stale = new java.util.ArrayList<>();
        try (Connection c = DriverManager.getConnection(s.url("postgres"), s.user(), s.password());
                Statement st = c.createStatement();
                java.sql.ResultSet rs =
                        st.executeQuery("SELECT datname FROM pg_database WHERE datname ~ '^plt[0-9]+_'")) {
            while (rs.next()) {
                String name = rs.getString(1);
                long created = Long.parseLong(name.substring(3, name.indexOf('_')));
                if (created < olderThanEpochSecond) {
                    stale.add(name);
                }
            }
        } catch (SQLException | NumberFormatException e) {
            return;
        }
        for (String name : stale) {
            try {
                execute(s, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
            } catch (IllegalStateException e) {
                // another test JVM may be dropping it too
            }
        }
    }

    public static Server server() {
        Server s = server;
        if (s == null) {
            synchronized (LocalPostgres.class) {
                if (server == null) {
                    server = locate();
                }
                s = server;
            }
        }
        return s;
    }

    private static Server locate() {
        String host = env("PIPELINELENS_TEST_PG_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("PIPELINELENS_TEST_PG_PORT", "5432"));
        Server local = new Server(
                host, port, env("PIPELINELENS_TEST_PG_USER", "postgres"), env("PIPELINELENS_TEST_PG_PASSWORD", ""));
        if (Reachability.listening(host, port)) {
            return local;
        }
        if (Reachability.dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:18-alpine");
            container.start();
            return new Server(
                    container.getHost(),
                    container.getMappedPort(5432),
                    container.getUsername(),
                    container.getPassword());
        }
        throw new IllegalStateException("These tests need a real PostgreSQL. None answers on " + host + ":" + port
                + " and no Docker engine is available for Testcontainers. Start one with"
                + " `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`"
                + " or point PIPELINELENS_TEST_PG_HOST/PORT/USER/PASSWORD at one.");
    }

    private static void execute(Server s, String sql) {
        try (Connection c = DriverManager.getConnection(s.url("postgres"), s.user(), s.password());
                Statement st = c.createStatement()) {
            st.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL refused: " + sql, e);
        }
    }

    static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
