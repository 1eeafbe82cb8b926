package io.keybridge.delivery.vault;

import io.keybridge.delivery.SecretPayload;
import io.keybridge.keys.KeyMaterial;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON body of a KV v2 check-and-set write, {@code {"options":{"cas":N},"data":{"api_key":…,…}}}, as bytes that
 * the caller overwrites once the request is sent. The key goes straight from {@link KeyMaterial}'s characters into the
 * array, never through a {@code String}; what the HTTP client copies on its way out is beyond keybridge's reach (the
 * README's security model says what remains).
 */
final class KvWriteBody {

    static final HttpHeaders HEADERS = headers();

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Stands where the key goes; a JSON string that needs no escaping and never occurs otherwise. */
    private static final String PLACEHOLDER = "@@keybridge-key-goes-here@@";

    private KvWriteBody() {}

    static byte[] of(int cas, SecretPayload payload, KeyMaterial material) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(SecretPayload.KEY_FIELD, PLACEHOLDER);
        data.putAll(payload.besideTheKey());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("options", Map.of("cas", cas));
        body.put("data", data);
        byte[] template = JSON.writeValueAsBytes(body);
        byte[] placeholder = PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(template, placeholder);
        byte[] filled = new byte[template.length - placeholder.length + material.length()];
        System.arraycopy(template, 0, filled, 0, at);
        int written = material.copyAscii(filled, at);
        System.arraycopy(
                template, at + placeholder.length, filled, at + written, template.length - at - placeholder.length);
        return filled;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("the placeholder is missing from the write body");
    }

    private static HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return HttpHeaders.readOnlyHttpHeaders(headers);
    }
}
