package io.pipelinelens.sensemaker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

/**
 * The modules, what each may use (docs/modules.md draws the same picture), and their generated
 * documentation. A dependency not listed here is a design change: make it here first.
 */
class ModularityTests {

    private static final ApplicationModules modules = ApplicationModules.of(SensemakerApplication.class);

    @Test
    void modulesOnlyUseEachOthersApis() {
        modules.verify();
    }

    @Test
    void theModulesAreTheOnesTheDocsDescribe() {
        assertThat(modules.stream().map(ApplicationModule::getIdentifier).map(Object::toString))
                .containsExactlyInAnyOrder("api", "db", "history", "ingest", "lineage", "status", "tracing");
    }

    static Stream<Arguments> allowedDependencies() {
        return Stream.of(
                Arguments.of("ingest", Set.of("db")),
                Arguments.of("lineage", Set.of("db", "ingest")),
                Arguments.of("tracing", Set.of("db", "ingest", "lineage")),
                Arguments.of("history", Set.of("db", "tracing")),
                Arguments.of("status", Set.of("db", "tracing", "history")),
                Arguments.of("api", Set.of("db", "lineage", "tracing")));
    }

    @ParameterizedTest(name = "{0} uses only {1}")
    @MethodSource("allowedDependencies")
    void eachModuleDependsOnlyOnTheModulesBelowIt(String module, Set<String> allowed) {
        ApplicationModule subject = modules.getModuleByName(module).orElseThrow();
        Set<String> used = subject.getDirectDependencies(modules)
                .uniqueModules()
                .map(m -> m.getIdentifier().toString())
                .collect(Collectors.toSet());
        assertThat(allowed).containsAll(used);
    }

    @Test
    void writesModuleDocumentation() {
        // target/spring-modulith-docs: a PlantUML diagram per module and a canvas of each one's API.
        new Documenter(modules)
                .writeModulesAsPlantUml()
                .writeIndividualModulesAsPlantUml()
                .writeModuleCanvases();
    }
}
