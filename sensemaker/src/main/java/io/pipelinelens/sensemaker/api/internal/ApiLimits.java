package io.pipelinelens.sensemaker.api.internal;

import graphql.GraphqlErrorBuilder;
import graphql.analysis.MaxQueryComplexityInstrumentation;
import graphql.analysis.MaxQueryDepthInstrumentation;
import graphql.execution.instrumentation.Instrumentation;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.data.method.annotation.support.AnnotatedControllerConfigurer;
import org.springframework.graphql.execution.DataFetcherExceptionResolver;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.graphql.server.TimeoutWebGraphQlInterceptor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * What one GraphQL request may take: a depth and a cost checked before anything runs, a timeout,
 * and a pool of its own for resolving fields. Nested fields are queued, never waited for by a
 * thread of the same pool, so a request cannot deadlock the pool; a full queue fails the field
 * at once. Nothing else runs on this pool, and the API runs on nothing else.
 */
@Configuration(proxyBeanMethods = false)
class ApiLimits {

    static final String API = "apiExecutor";

    @Bean(API)
    ThreadPoolTaskExecutor apiExecutor(ApiProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("graphql-");
        executor.setCorePoolSize(properties.threads());
        executor.setMaxPoolSize(properties.threads());
        executor.setQueueCapacity(properties.queue());
        executor.setRejectedExecutionHandler(new ThreadPoolExecutor.AbortPolicy());
        executor.setWaitForTasksToCompleteOnShutdown(false);
        return executor;
    }

    /** Boot gives controllers the application's task executor; the API gets its own instead. */
    @Bean
    static BeanPostProcessor graphQlOnItsOwnPool(@Qualifier(API) ObjectProvider<ThreadPoolTaskExecutor> executors) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof AnnotatedControllerConfigurer configurer) {
                    configurer.setExecutor(executors.getObject());
                }
                return bean;
            }
        };
    }

    @Bean
    Instrumentation maxQueryDepth(ApiProperties properties) {
        return new MaxQueryDepthInstrumentation(properties.maxQueryDepth());
    }

    @Bean
    Instrumentation maxQueryComplexity(ApiProperties properties) {
        return new MaxQueryComplexityInstrumentation(
                properties.maxQueryComplexity(),
                (environment, childComplexity) ->
                        ("trace".equals(environment.getField().getName())
                                                && environment.getParentType() != null
                                                && "Query"
                                                        .equals(environment
                                                                .getParentType()
                                                                .getName())
                                        ? properties.lookupCost()
                                        : 1)
                                + childComplexity);
    }

    /** A field the full pool could not take fails at once with a reason a client can act on. */
    @Bean
    DataFetcherExceptionResolver busy() {
        return DataFetcherExceptionResolver.forSingleError((e, env) -> e instanceof RejectedExecutionException
                ? GraphqlErrorBuilder.newError(env)
                        .errorType(ErrorType.INTERNAL_ERROR)
                        .message("The API is busy; try again shortly")
                        .build()
                : null);
    }

    @Bean
    TimeoutWebGraphQlInterceptor requestTimeout(ApiProperties properties) {
        return new TimeoutWebGraphQlInterceptor(properties.timeout());
    }
}
