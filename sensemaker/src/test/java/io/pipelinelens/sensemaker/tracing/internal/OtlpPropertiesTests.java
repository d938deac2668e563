package io.pipelinelens.sensemaker.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Endpoint, header and override rules of the OpenTelemetry exporter specification. */
class OtlpPropertiesTests {

    private static OtlpProperties general(String endpoint, String protocol, String headers) {
        return new OtlpProperties(endpoint, protocol, headers, "none", Duration.ofSeconds(10), null);
    }

    private static OtlpProperties withTraces(OtlpProperties general, OtlpProperties.Traces traces) {
        return new OtlpProperties(
                general.endpoint(),
                general.protocol(),
                general.headers(),
                general.compression(),
                general.timeout(),
                traces);
    }

    @Test
    void appendsTheTracesPathToTheBaseEndpointForHttpProtobuf() {
        assertThat(general("http://collector:4318", "http/protobuf", null).tracesEndpoint())
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(general("http://collector:4318/", "http/protobuf", null).tracesEndpoint())
                .as("a trailing slash does not double")
                .isEqualTo("http://collector:4318/v1/traces");
        assertThat(general("https://gateway.example/otlp", "http/protobuf", null)
                        .tracesEndpoint())
                .as("a base path is kept")
                .isEqualTo("https://gateway.example/otlp/v1/traces");
    }

    @Test
    void defaultsToTheLocalCollectorsHttpPort() {
        assertThat(general(null, "http/protobuf", null).tracesEndpoint()).isEqualTo("http://localhost:4318/v1/traces");
        assertThat(general("  ", "http/protobuf", null).tracesEndpoint()).isEqualTo("http://localhost:4318/v1/traces");
        assertThat(general(null, "http/protobuf", null).grpc()).isFalse();
    }

    @Test
    void usesTheSignalSpecificEndpointAsIs() {
        OtlpProperties properties = withTraces(
                general("http://collector:4318", "http/protobuf", null),
                new OtlpProperties.Traces("http://traces:9999/custom/path", null, null, null, null));
        assertThat(properties.tracesEndpoint()).isEqualTo("http://traces:9999/custom/path");
    }

    @Test
    void usesTheBaseEndpointAsIsForGrpcAndDefaultsToPort4317() {
        assertThat(general("http://collector:4317", "grpc", null).tracesEndpoint())
                .isEqualTo("http://collector:4317");
        assertThat(general(null, "grpc", null).tracesEndpoint()).isEqualTo("http://localhost:4317");
        assertThat(general(null, "GRPC", null).grpc()).isTrue();
    }

    @Test
    void theTracesProtocolOverridesTheGeneralOne() {
        OtlpProperties properties = withTraces(
                general("http://collector:4317", "http/protobuf", null),
                new OtlpProperties.Traces(null, "grpc", null, null, null));
        assertThat(properties.grpc()).isTrue();
        assertThat(properties.tracesEndpoint()).isEqualTo("http://collector:4317");
    }

    @Test
    void parsesAndUrlDecodesHeaders() {
        OtlpProperties properties = general(
                "http://collector:4318",
                "http/protobuf",
                "api-key=secret%20value, x-tenant = team%2Ca,authorization=Basic dXNlcjpwYXNz==");
        assertThat(properties.tracesHeaders())
                .containsExactly(
                        java.util.Map.entry("api-key", "secret value"),
                        java.util.Map.entry("x-tenant", "team,a"),
                        java.util.Map.entry("authorization", "Basic dXNlcjpwYXNz=="));
    }

    @Test
    void tracesHeadersAddToAndOverrideTheGeneralOnes() {
        OtlpProperties properties = withTraces(
                general("http://collector:4318", "http/protobuf", "a=1,b=2"),
                new OtlpProperties.Traces(null, null, "b=3,c=4", null, null));
        assertThat(properties.tracesHeaders())
                .containsExactly(
                        java.util.Map.entry("a", "1"), java.util.Map.entry("b", "3"), java.util.Map.entry("c", "4"));
    }

    @Test
    void hasNoHeadersWhenNoneAreConfigured() {
        assertThat(general(null, "http/protobuf", null).tracesHeaders()).isEmpty();
        assertThat(general(null, "http/protobuf", " ").tracesHeaders()).isEmpty();
    }

    @Test
    void rejectsAMalformedHeaderPairNamingIt() {
        assertThatThrownBy(() -> general(null, "http/protobuf", "a=1,justakey").tracesHeaders())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'justakey'")
                .hasMessageContaining("key=value");
        assertThatThrownBy(() -> general(null, "http/protobuf", "=value").tracesHeaders())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'=value'");
    }

    @Test
    void tracesCompressionAndTimeoutOverrideTheGeneralOnes() {
        OtlpProperties plain = general(null, "http/protobuf", null);
        assertThat(plain.tracesCompression()).isEqualTo("none");
        assertThat(plain.tracesTimeout()).isEqualTo(Duration.ofSeconds(10));
        OtlpProperties overridden =
                withTraces(plain, new OtlpProperties.Traces(null, null, null, "gzip", Duration.ofSeconds(3)));
        assertThat(overridden.tracesCompression()).isEqualTo("gzip");
        assertThat(overridden.tracesTimeout()).isEqualTo(Duration.ofSeconds(3));
    }
}
