package io.pipelinelens.sensemaker.lineage.internal;

import java.util.concurrent.ThreadPoolExecutor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * The lineage module's own pool: placing observed changes never waits behind API requests or
 * status publishing, and they never wait behind it.
 */
@Configuration(proxyBeanMethods = false)
class LineageExecutors {

    static final String LINEAGE = "lineageExecutor";

    @Bean(LINEAGE)
    ThreadPoolTaskExecutor lineageExecutor(LineageProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("lineage-");
        executor.setCorePoolSize(properties.executorThreads());
        executor.setMaxPoolSize(properties.executorThreads());
        executor.setQueueCapacity(properties.executorQueue());
        // Back-pressure: a full queue makes the ingest listener place its own batch (it runs
        // after the ingest committed), so ingest slows to the pace of placement instead of piling up.
        executor.setRejectedExecutionHandler(new ThreadPoolExecutor.CallerRunsPolicy());
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(10);
        return executor;
    }
}
