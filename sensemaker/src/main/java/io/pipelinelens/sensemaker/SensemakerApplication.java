package io.pipelinelens.sensemaker;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SensemakerApplication {

    public static void main(String[] args) {
        SpringApplication.run(SensemakerApplication.class, args);
    }
}
