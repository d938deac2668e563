package io.pipelinelens.standalone.launcher;

import io.pipelinelens.harvester.HarvesterApplication;
import io.pipelinelens.notifier.NotifierApplication;
import io.pipelinelens.sensemaker.SensemakerApplication;
import java.util.List;
import java.util.stream.Stream;

/**
 * The three services and what each must not autoconfigure. All three share one classpath here, so
 * each context excludes the autoconfigurations that only come from the other services' jars: the
 * lists are the difference between the standalone's classpath and the service's own runtime
 * classpath, so every context starts with exactly the beans it has in production. When a service
 * gains a dependency that brings autoconfigurations, these lists change with it.
 */
public enum Service {
    HARVESTER(
            HarvesterApplication.class,
            "harvester",
            concat(
                    AutoConfigurations.DATA,
                    AutoConfigurations.KAFKA,
                    AutoConfigurations.MODULITH,
                    AutoConfigurations.GRAPHQL,
                    AutoConfigurations.HTTP_CLIENTS)),
    SENSEMAKER(SensemakerApplication.class, "sensemaker", AutoConfigurations.HTTP_CLIENTS),
    NOTIFIER(
            NotifierApplication.class,
            "notifier",
            concat(
                    AutoConfigurations.DATA,
                    AutoConfigurations.RABBIT,
                    AutoConfigurations.MODULITH,
                    AutoConfigurations.GRAPHQL));

    private final Class<?> application;
    private final String id;
    private final List<String> excludedAutoConfigurations;

    Service(Class<?> application, String id, List<String> excludedAutoConfigurations) {
        this.application = application;
        this.id = id;
        this.excludedAutoConfigurations = excludedAutoConfigurations;
    }

    public Class<?> application() {
        return application;
    }

    public String id() {
        return id;
    }

    public List<String> excludedAutoConfigurations() {
        return excludedAutoConfigurations;
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }
}
