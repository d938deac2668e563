package io.pipelinelens.sensemaker.api.internal;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.graphql.execution.RuntimeWiringConfigurer;

/** The {@code DateTime} scalar: an {@link Instant} as ISO-8601 text in UTC. */
@Configuration(proxyBeanMethods = false)
class DateTimeScalar {

    static final GraphQLScalarType DATE_TIME = GraphQLScalarType.newScalar()
            .name("DateTime")
            .description("An instant as an ISO-8601 string in UTC")
            .coercing(new InstantCoercing())
            .build();

    @Bean
    RuntimeWiringConfigurer dateTimeWiring() {
        return wiring -> wiring.scalar(DATE_TIME);
    }

    private static final class InstantCoercing implements Coercing<Instant, String> {

        @Override
        public String serialize(Object value, GraphQLContext context, Locale locale) {
            if (value instanceof Instant instant) {
                return instant.toString();
            }
            if (value instanceof OffsetDateTime time) {
                return time.toInstant().toString();
            }
            throw new CoercingSerializeException("not an instant: " + value);
        }

        @Override
        public Instant parseValue(Object input, GraphQLContext context, Locale locale) {
            try {
                return parse(input.toString());
            } catch (DateTimeParseException e) {
                throw new CoercingParseValueException("not an ISO-8601 instant: " + input, e);
            }
        }

        @Override
        public Instant parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
            if (input instanceof StringValue text) {
                try {
                    return parse(text.getValue());
                } catch (DateTimeParseException e) {
                    throw new CoercingParseLiteralException("not an ISO-8601 instant: " + text.getValue(), e);
                }
            }
            throw new CoercingParseLiteralException("expected an ISO-8601 string");
        }

        @Override
        public Value<?> valueToLiteral(Object input, GraphQLContext context, Locale locale) {
            return StringValue.newStringValue(serialize(input, context, locale)).build();
        }

        private static Instant parse(String text) {
            return OffsetDateTime.parse(text).toInstant();
        }
    }
}
