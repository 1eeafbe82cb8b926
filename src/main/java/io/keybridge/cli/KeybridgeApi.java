package io.keybridge.cli;

import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PatchExchange;
import org.springframework.web.service.annotation.PostExchange;
import tools.jackson.databind.JsonNode;

/**
 * keybridge's REST API as the command line calls it: one method per endpoint, declared the way the server's
 * controllers are, and implemented by Spring's HTTP interface client ({@link KeybridgeClient} builds it). Answers stay
 * JSON trees: {@code --json} prints exactly what the server said, and the text output reads the fields it shows.
 */
@HttpExchange(url = "/api/v1", accept = "application/json, application/problem+json")
interface KeybridgeApi {

    @GetExchange("/keys")
    JsonNode keys(@RequestParam MultiValueMap<String, String> query);

    @GetExchange("/keys/{id}")
    JsonNode key(@PathVariable String id);

    @PostExchange("/keys")
    JsonNode createKey(@RequestBody Map<String, ?> request);

    @PatchExchange("/keys/{id}")
    JsonNode updateKey(@PathVariable String id, @RequestBody Map<String, ?> changes);

    @PostExchange("/keys/{id}/revoke")
    JsonNode revoke(@PathVariable String id, @RequestBody Map<String, ?> request);

    @PostExchange("/keys/{id}/suspend")
    JsonNode suspend(@PathVariable String id, @RequestBody Map<String, ?> request);

    @PostExchange("/keys/{id}/resume")
    JsonNode resume(@PathVariable String id);

    @PostExchange("/keys/{id}/rotate")
    JsonNode rotate(@PathVariable String id, @RequestBody(required = false) @Nullable Map<String, ?> request);

    @PostExchange("/keys/{id}/emergency-rotate")
    JsonNode emergencyRotate(@PathVariable String id, @RequestBody Map<String, ?> request);

    @PostExchange("/emergency-rotations")
    JsonNode startEmergencyRun(@RequestBody Map<String, ?> request);

    @GetExchange("/emergency-rotations/{id}")
    JsonNode emergencyRun(@PathVariable String id);

    @GetExchange("/findings")
    JsonNode findings(@RequestParam MultiValueMap<String, String> query);

    @PostExchange("/findings/{id}/acknowledge")
    JsonNode acknowledgeFinding(@PathVariable String id, @RequestBody Map<String, ?> request);

    @PostExchange("/findings/{id}/resolve")
    JsonNode resolveFinding(@PathVariable String id, @RequestBody Map<String, ?> request);

    @GetExchange("/audit")
    JsonNode audit(@RequestParam MultiValueMap<String, String> query);

    @GetExchange("/audit/verify")
    JsonNode verifyAudit();

    /** JSON Lines, as they came. */
    @GetExchange(url = "/audit/export", accept = "application/jsonl, */*")
    String exportAudit(@RequestParam MultiValueMap<String, String> query);
}
