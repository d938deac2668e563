package io.pipelinelens.sensemaker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableAsync;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * The sensemaker: a Spring Modulith application whose modules are the packages below this one
 * ({@code ingest}, {@code tracing}, {@code status}, {@code api}). Modules talk through past-tense
 * event records kept in the JDBC event publication registry, so a crash between two steps loses
 * nothing.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableAsync
@EnableScheduling
public class SensemakerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SensemakerApplication.class, args);
    }
}
