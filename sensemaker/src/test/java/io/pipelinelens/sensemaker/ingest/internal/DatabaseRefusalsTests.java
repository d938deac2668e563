package io.pipelinelens.sensemaker.ingest.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.QueryTimeoutException;

/**
 * A refusal no redelivery can change is told from a failure that may pass by its SQLSTATE class,
 * whatever Spring translated it to (54000 becomes a "resource failure").
 */
class DatabaseRefusalsTests {

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of(
                        "index row too large (54000), as Spring translates it",
                        new DataAccessResourceFailureException("jOOQ", sql("54000")),
                        true),
                Arguments.of(
                        "jsonb refuses \\u0000 (22P05)",
                        new DataIntegrityViolationException("jOOQ", sql("22P05")),
                        true),
                Arguments.of(
                        "invalid text encoding (22021)",
                        new DataIntegrityViolationException("jOOQ", sql("22021")),
                        true),
                Arguments.of(
                        "check constraint (23514)", new DataIntegrityViolationException("jOOQ", sql("23514")), true),
                Arguments.of(
                        "statement too complex (54001)",
                        new RuntimeException(new RuntimeException(sql("54001"))),
                        true),
                Arguments.of(
                        "connection lost (08006)", new DataAccessResourceFailureException("jOOQ", sql("08006")), false),
                Arguments.of("disk full (53100)", new DataAccessResourceFailureException("jOOQ", sql("53100")), false),
                Arguments.of("deadlock (40P01)", new CannotAcquireLockException("jOOQ", sql("40P01")), false),
                Arguments.of("statement timeout (57014)", new QueryTimeoutException("jOOQ", sql("57014")), false),
                Arguments.of(
                        "no SQLSTATE", new DataAccessResourceFailureException("jOOQ", new SQLException("?")), false),
                Arguments.of("not a database failure", new IllegalStateException("pool closed"), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void tellsARefusalForGoodFromAFailureThatMayPass(String what, Throwable failure, boolean permanent) {
        assertThat(DatabaseRefusals.permanent(failure).isPresent()).isEqualTo(permanent);
    }

    @Test
    void givesTheStateAndTheFirstLineOfTheServersMessage() {
        SQLException refusal = new SQLException(
                "ERROR: index row requires 20016 bytes, maximum size is 8191\n  Where: SQL statement", "54000");

        assertThat(DatabaseRefusals.reason(refusal))
                .isEqualTo(
                        "the database refuses it (SQLSTATE 54000): index row requires 20016 bytes, maximum size is 8191");
    }

    private static SQLException sql(String state) {
        return new SQLException("ERROR: refused", state);
    }
}
