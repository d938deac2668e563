package io.pipelinelens.harvester.webhook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipelinelens.contracts.Limits;
import io.pipelinelens.contracts.WebhookEvents;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.util.MultiValueMap;
import org.springframework.util.unit.DataSize;

/**
 * Reads a webhook request into the payload to publish, or into the reason it is refused: within the
 * size cap, the signature checked over the raw body as it streams in, GitHub's form encoding
 * undone, and nothing the sensemaker could never store ({@link Limits}): such a delivery is refused
 * here, where the sender sees why, instead of being parked downstream after a 202.
 */
class WebhookBodies {

    /** What came of reading a request. */
    sealed interface Read permits Accepted, Refused {}

    /** @param body the raw body as signed; {@code payload} is its JSON (from the form's field for a form) */
    record Accepted(byte[] body, ObjectNode payload) implements Read {}

    record Refused(HttpStatus status, String reason) implements Read {}

    private final ObjectMapper json;
    private final DataSize maxBodySize;
    private final FormHttpMessageConverter forms = new FormHttpMessageConverter();

    WebhookBodies(DataSize maxBodySize) {
        this.maxBodySize = maxBodySize;
        // The sensemaker reads the whole CloudEvent no deeper than Limits.MAX_JSON_DEPTH.
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(WebhookEvents.MAX_PAYLOAD_DEPTH)
                        .build())
                .build();
        this.json = JsonMapper.builder(factory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .build();
    }

    ObjectMapper json() {
        return json;
    }

    Read read(HttpServletRequest request, String secret, String signature) throws IOException {
        long max = maxBodySize.toBytes();
        if (request.getContentLengthLong() > max) {
            return tooLarge();
        }
        SignedBody signed;
        try (InputStream in = request.getInputStream()) {
            signed = SignedBody.read(in, SignatureVerifier.mac(secret), max);
        } catch (SignedBody.TooLarge e) {
            return tooLarge();
        }
        if (signed.bytes().length == 0) {
            return new Refused(HttpStatus.BAD_REQUEST, "empty body");
        }
        if (!SignatureVerifier.matches(signed.hmac(), signature)) {
            return new Refused(HttpStatus.UNAUTHORIZED, "missing or invalid signature");
        }
        byte[] document = signed.bytes();
        MediaType type = contentType(request);
        if (MediaType.APPLICATION_FORM_URLENCODED.includes(type)) {
            String payload;
            try {
                payload = formPayload(document, type);
            } catch (HttpMessageNotReadableException | IllegalArgumentException e) {
                return new Refused(HttpStatus.BAD_REQUEST, "form body is not URL-encoded: " + e.getMessage());
            }
            if (payload == null) {
                return new Refused(HttpStatus.BAD_REQUEST, "form body has no payload field");
            }
            document = payload.getBytes(StandardCharsets.UTF_8);
        }
        JsonNode parsed;
        try {
            parsed = json.readTree(document);
        } catch (StreamConstraintsException e) {
            return new Refused(
                    HttpStatus.BAD_REQUEST,
                    "body is beyond what the sensemaker reads (JSON nested at most " + WebhookEvents.MAX_PAYLOAD_DEPTH
                            + " levels deep): " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            return new Refused(HttpStatus.BAD_REQUEST, "body is not JSON: " + e.getOriginalMessage());
        }
        if (!(parsed instanceof ObjectNode payload)) {
            return new Refused(HttpStatus.BAD_REQUEST, "body is not a JSON object");
        }
        Optional<String> unstorable = unstorable(payload);
        if (unstorable.isPresent()) {
            return new Refused(
                    HttpStatus.BAD_REQUEST, "body has " + unstorable.get() + ", which the sensemaker cannot store");
        }
        JsonNode repository = payload.path("repository").path("full_name");
        if (repository.isTextual() && !Limits.fitsKey(repository.textValue())) {
            return new Refused(
                    HttpStatus.BAD_REQUEST,
                    "repository.full_name is " + Limits.utf8Length(repository.textValue()) + " bytes, more than the "
                            + Limits.MAX_KEY_BYTES + " the sensemaker indexes");
        }
        return new Accepted(signed.bytes(), payload);
    }

    /** Why a delivery id can never become an event id, or empty when it can. */
    static Optional<String> deliveryIdRefusal(String deliveryId) {
        if (deliveryId == null) {
            return Optional.empty();
        }
        int bytes = Limits.utf8Length(deliveryId);
        if (bytes > Limits.MAX_ID_BYTES) {
            return Optional.of("delivery id is " + bytes + " bytes, more than the " + Limits.MAX_ID_BYTES
                    + " an AMQP message-id and the sensemaker's event id take");
        }
        return Limits.unstorable(deliveryId).map(what -> "delivery id contains " + what);
    }

    private Refused tooLarge() {
        return new Refused(HttpStatus.CONTENT_TOO_LARGE, "body larger than " + maxBodySize.toBytes() + " bytes");
    }

    private static MediaType contentType(HttpServletRequest request) {
        try {
            return request.getContentType() == null
                    ? MediaType.APPLICATION_JSON
                    : MediaType.parseMediaType(request.getContentType());
        } catch (IllegalArgumentException e) {
            return MediaType.APPLICATION_JSON; // an unreadable type: the body decides
        }
    }

    /** GitHub's form deliveries carry the JSON URL-encoded in the field {@code payload}. */
    private String formPayload(byte[] body, MediaType type) throws IOException {
        HttpInputMessage message = new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return new ByteArrayInputStream(body);
            }

            @Override
            public HttpHeaders getHeaders() {
                HttpHeaders headers = new HttpHeaders();
                headers.setContentType(type);
                return headers;
            }
        };
        MultiValueMap<String, String> form = forms.read(null, message);
        return form.getFirst("payload");
    }

    /** Text PostgreSQL cannot hold anywhere in the payload, and where; found in a second pass, only when present. */
    private static Optional<String> unstorable(JsonNode payload) {
        return storable(payload) ? Optional.empty() : firstUnstorable(payload, "");
    }

    private static boolean storable(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (Limits.unstorable(field.getKey()).isPresent() || !storable(field.getValue())) {
                    return false;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                if (!storable(element)) {
                    return false;
                }
            }
        } else if (node.isTextual()) {
            return Limits.unstorable(node.textValue()).isEmpty();
        }
        return true;
    }

    private static Optional<String> firstUnstorable(JsonNode node, String path) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                Optional<String> inName = Limits.unstorable(field.getKey());
                if (inName.isPresent()) {
                    return Optional.of(inName.get() + " in a field name" + (path.isEmpty() ? "" : " under " + path));
                }
                String child = Limits.printable(path.isEmpty() ? field.getKey() : path + "." + field.getKey(), 200);
                Optional<String> found = firstUnstorable(field.getValue(), child);
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            int i = 0;
            for (JsonNode element : node) {
                Optional<String> found = firstUnstorable(element, path + "[" + i++ + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isTextual()) {
            return Limits.unstorable(node.textValue()).map(what -> what + " in " + path);
        }
        return Optional.empty();
    }
}
