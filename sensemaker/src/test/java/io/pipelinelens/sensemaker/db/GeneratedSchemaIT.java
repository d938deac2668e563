package io.pipelinelens.sensemaker.db;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.testing.LocalPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Index;
import org.jooq.Named;
import org.jooq.SQLDialect;
import org.jooq.Table;
import org.jooq.UniqueKey;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The committed jOOQ classes match what the Flyway migrations build: a migration changed without
 * regenerating ({@code ./mvnw -pl sensemaker -Pjooq-codegen generate-sources}) fails here.
 */
class GeneratedSchemaIT {

    /**
     * Tables the code generation leaves out on purpose (see its {@code excludes}): Flyway's own,
     * Spring Modulith's event publication registry, which only Spring Modulith reads and writes, and
     * the status outbox, which only the status module reads and writes (by plain names).
     */
    private static final Set<String> NOT_GENERATED =
            Set.of("flyway_schema_history", "event_publication", "event_publication_archive", "status_outbox");

    private LocalPostgres.Database database;

    @BeforeEach
    void migrateAFreshDatabase() {
        database = LocalPostgres.createDatabase("schema");
        Flyway.configure()
                .dataSource(database.jdbcUrl(), database.username(), database.password())
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void theGeneratedSchemaMatchesTheMigratedDatabase() throws Exception {
        try (Connection connection = database.connect()) {
            DSLContext db = DSL.using(connection, SQLDialect.POSTGRES);
            assertThat(differences(db)).isEmpty();
            assertThat(DefaultSchema.DEFAULT_SCHEMA.getTables())
                    .as("the check compared something")
                    .isNotEmpty();
        }
    }

    @Test
    void noticesAMigrationThatWasNotRegenerated() throws Exception {
        try (Connection connection = database.connect()) {
            DSLContext db = DSL.using(connection, SQLDialect.POSTGRES);
            db.execute("alter table spans add column forgotten text");
            db.execute("alter table resource_snapshots alter column name drop not null");
            db.execute("alter table pipeline_runs alter column started_at type timestamp");
            db.execute("create table not_generated (id int primary key)");
            db.execute("alter table git_webhooks drop column subject");

            assertThat(differences(db))
                    .anySatisfy(d -> assertThat(d).contains("spans.forgotten"))
                    .anySatisfy(d ->
                            assertThat(d).contains("resource_snapshots.name").contains("nullable"))
                    .anySatisfy(d ->
                            assertThat(d).contains("pipeline_runs.started_at").contains("type"))
                    .anySatisfy(d -> assertThat(d).contains("not_generated"))
                    .anySatisfy(d -> assertThat(d).contains("git_webhooks.subject"));
        }
    }

    /** Every way the generated schema and the database's public schema differ. */
    private static List<String> differences(DSLContext db) {
        List<String> differences = new ArrayList<>();
        List<Table<?>> actualTables = db.meta()
                .filterSchemas(s -> s.getName().equals("public"))
                .filterTables(t -> !NOT_GENERATED.contains(t.getName()))
                .getTables();
        Set<String> generatedNames = names(DefaultSchema.DEFAULT_SCHEMA.getTables());
        for (Table<?> actual : actualTables) {
            if (!generatedNames.contains(actual.getName())) {
                differences.add("table " + actual.getName() + " is in the database but not generated");
            }
        }
        for (Table<?> generated : DefaultSchema.DEFAULT_SCHEMA.getTables()) {
            Table<?> actual = actualTables.stream()
                    .filter(t -> t.getName().equals(generated.getName()))
                    .findFirst()
                    .orElse(null);
            if (actual == null) {
                differences.add("table " + generated.getName() + " is generated but not in the database");
                continue;
            }
            compareColumns(generated, actual, differences);
            compareKeys(generated, actual, differences);
        }
        return differences;
    }

    private static void compareColumns(Table<?> generated, Table<?> actual, List<String> differences) {
        String table = generated.getName();
        for (Field<?> actualField : actual.fields()) {
            if (generated.field(actualField.getName()) == null) {
                differences.add(
                        "column " + table + "." + actualField.getName() + " is in the database but not generated");
            }
        }
        for (Field<?> field : generated.fields()) {
            String column = table + "." + field.getName();
            Field<?> actualField = actual.field(field.getName());
            if (actualField == null) {
                differences.add("column " + column + " is generated but not in the database");
                continue;
            }
            String generatedType = field.getDataType().getSQLDataType().getTypeName();
            String actualType = actualField.getDataType().getSQLDataType().getTypeName();
            if (!generatedType.equals(actualType)) {
                differences.add(
                        "column " + column + " has type " + actualType + " but is generated as " + generatedType);
            }
            if (!field.getType().equals(actualField.getType())) {
                differences.add(
                        "column " + column + " maps to " + actualField.getType().getName() + " but is generated as "
                                + field.getType().getName());
            }
            if (field.getDataType().nullable() != actualField.getDataType().nullable()) {
                differences.add(
                        "column " + column + " is " + (actualField.getDataType().nullable() ? "" : "not ")
                                + "nullable in the database, the generated code says the opposite");
            }
        }
    }

    private static void compareKeys(Table<?> generated, Table<?> actual, List<String> differences) {
        String table = generated.getName();
        List<String> generatedKey = keyColumns(generated.getPrimaryKey());
        List<String> actualKey = keyColumns(actual.getPrimaryKey());
        if (!generatedKey.equals(actualKey)) {
            differences.add("primary key of " + table + " is " + actualKey + " but is generated as " + generatedKey);
        }
        Set<String> generatedIndexes = names(generated.getIndexes());
        Set<String> columns =
                java.util.Arrays.stream(actual.fields()).map(f -> f.getName()).collect(Collectors.toSet());
        Set<String> actualIndexes = actual.getIndexes().stream()
                // jOOQ's code generator cannot represent an index on an expression and leaves it out.
                .filter(index -> index.getFields().stream().allMatch(f -> columns.contains(f.getName())))
                .map(Index::getName)
                // jOOQ's generated indexes leave out the ones that back a primary key.
                .filter(name -> !name.equals(table + "_pkey"))
                .collect(Collectors.toCollection(TreeSet::new));
        if (!generatedIndexes.equals(actualIndexes)) {
            differences.add(
                    "indexes of " + table + " are " + actualIndexes + " but are generated as " + generatedIndexes);
        }
    }

    private static List<String> keyColumns(UniqueKey<?> key) {
        return key == null
                ? List.of()
                : key.getFields().stream().map(Field::getName).toList();
    }

    private static Set<String> names(List<? extends Named> named) {
        return named.stream().map(Named::getName).collect(Collectors.toCollection(TreeSet::new));
    }
}
