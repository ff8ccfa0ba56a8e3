/*
 * A bank backend talking to vident, with nothing but the JDK (Java 17). Run it as a single-file
 * program (no build step, no dependencies):
 *
 *   java VidentExample.java demo <externalRef> <customerName>
 *       creates a session, reads it back, finds it by externalRef, ends it, reads its outcome, its
 *       audit trail and its evidence pack, then deletes the evidence (as on a customer's request)
 *   java VidentExample.java verify-webhook <webhook-id> <webhook-timestamp> <webhook-signature> <body-file>
 *       checks one webhook delivery as your receiver would: exit 0 and "ok <type>", or exit 1
 *   java VidentExample.java vectors <protocol/test-vectors/signing.json>
 *       checks this file's signing code against the published test vectors
 *
 * Configuration (environment): VIDENT_BASE_URL (default http://127.0.0.1:8787), VIDENT_KEY_ID,
 * VIDENT_SECRET (keep it in your secret store), VIDENT_WEBHOOK_SECRET (whsec_<base64>).
 *
 * In your own code: copy RequestSigner and WebhookVerifier as they are, and use your JSON library
 * (Jackson, Gson) instead of MiniJson, which is here only so this file needs nothing but the JDK.
 * A Java 17 single-file program cannot import a second source file, hence one file. See
 * docs/INTEGRATION.md for the whole flow.
 */

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class VidentExample {

    /** Signs bank API requests: X-Vident-Key-Id, X-Vident-Timestamp, X-Vident-Nonce, X-Vident-Signature. */
    static final class RequestSigner {
        private static final SecureRandom RANDOM = new SecureRandom();

        /**
         * The text the signature covers, lines joined by "\n" (no trailing newline):
         * METHOD, PATH?QUERY exactly as sent, TIMESTAMP (Unix seconds), NONCE (only when the
         * X-Vident-Nonce header is sent), hex(SHA-256(the exact body bytes)).
         */
        static String canonical(String method, String pathWithQuery, long timestamp, byte[] body, String nonce) {
            StringBuilder text = new StringBuilder();
            text.append(method.toUpperCase()).append('\n');
            text.append(pathWithQuery).append('\n');
            text.append(timestamp).append('\n');
            if (nonce != null) text.append(nonce).append('\n');
            text.append(HexFormat.of().formatHex(sha256(body)));
            return text.toString();
        }

        /** A fresh nonce: 32 hex characters (the API takes 16..64 of [A-Za-z0-9_-]). */
        static String freshNonce() {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }

        /**
         * The headers for one request. Give a fresh nonce each time (the API accepts each signature
         * once; the nonce lets the same request go twice in one second); null signs without one.
         */
        static Map<String, String> sign(String keyId, String secret, String method, String pathWithQuery, byte[] body, long timestamp, String nonce) {
            String canonical = canonical(method, pathWithQuery, timestamp, body, nonce);
            byte[] mac = hmacSha256(secret.getBytes(StandardCharsets.UTF_8), canonical.getBytes(StandardCharsets.UTF_8));
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Vident-Key-Id", keyId);
            headers.put("X-Vident-Timestamp", Long.toString(timestamp));
            if (nonce != null) headers.put("X-Vident-Nonce", nonce);
            headers.put("X-Vident-Signature", HexFormat.of().formatHex(mac));
            return headers;
        }
    }

    /** Verifies webhooks the Standard Webhooks way (https://www.standardwebhooks.com). */
    static final class WebhookVerifier {
        static final long TOLERANCE_SECONDS = 300;

        /**
         * Answers "ok", "stale_timestamp" or "bad_signature". Run it on the raw body bytes as
         * received, before parsing the JSON: re-serialized JSON would not match.
         */
        static String verify(String secret, String id, String timestamp, String signatureHeader, byte[] body, long nowSeconds) {
            // 1. Refuse old (or future) deliveries, so a captured webhook cannot be replayed later.
            if (!timestamp.matches("\\d{1,12}") || Math.abs(nowSeconds - Long.parseLong(timestamp)) > TOLERANCE_SECONDS) {
                return "stale_timestamp";
            }
            // 2. The key is the base64 after "whsec_"; the signed content is id.timestamp.body.
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            byte[] prefix = (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8);
            byte[] content = new byte[prefix.length + body.length];
            System.arraycopy(prefix, 0, content, 0, prefix.length);
            System.arraycopy(body, 0, content, prefix.length, body.length);
            byte[] expected = ("v1," + Base64.getEncoder().encodeToString(hmacSha256(key, content))).getBytes(StandardCharsets.UTF_8);
            // 3. Several space-separated signatures may come during a secret rotation: one valid is enough.
            for (String candidate : signatureHeader.split(" ")) {
                if (MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), expected)) return "ok";
            }
            return "bad_signature";
        }
    }

    /** An error answered by the API: { "error": { "code", "message" } }. Branch on the code. */
    static final class VidentException extends RuntimeException {
        final int status;
        final String code;

        VidentException(int status, String code, String message) {
            super(status + " " + code + ": " + message);
            this.status = status;
            this.code = code;
        }
    }

    /** A small signed client of the bank API. */
    static final class VidentClient {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private final String baseUrl;
        private final String keyId;
        private final String secret;

        VidentClient(String baseUrl, String keyId, String secret) {
            this.baseUrl = baseUrl.replaceAll("/+$", "");
            this.keyId = keyId;
            this.secret = secret;
        }

        /** One signed request; answers the parsed JSON. `jsonBody` null = no body. */
        Object call(String method, String pathWithQuery, String jsonBody, Map<String, String> extraHeaders) throws IOException, InterruptedException {
            // Sign exactly the bytes that are sent.
            byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
            long now = System.currentTimeMillis() / 1000;
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathWithQuery)).timeout(Duration.ofSeconds(30));
            RequestSigner.sign(keyId, secret, method, pathWithQuery, body, now, RequestSigner.freshNonce()).forEach(request::header);
            extraHeaders.forEach(request::header);
            if (jsonBody == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", "application/json");
                request.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Object json = MiniJson.parse(response.body());
            if (response.statusCode() >= 300) {
                Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) json).get("error");
                throw new VidentException(response.statusCode(), (String) error.get("code"), (String) error.get("message"));
            }
            return json;
        }

        Object call(String method, String pathWithQuery) throws IOException, InterruptedException {
            return call(method, pathWithQuery, null, Map.of());
        }

        static String sessionPath(String sessionId) {
            return "/v1/sessions/" + URLEncoder.encode(sessionId, StandardCharsets.UTF_8);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // The commands
    // ---------------------------------------------------------------------------------------------

    static void demo(String externalRef, String customerName) throws IOException, InterruptedException {
        VidentClient client = new VidentClient(
                Objects.requireNonNullElse(System.getenv("VIDENT_BASE_URL"), "http://127.0.0.1:8787"),
                System.getenv("VIDENT_KEY_ID"), System.getenv("VIDENT_SECRET"));
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("channel", "example-java");
        metadata.put("branch", "강남지점");
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("externalRef", externalRef);
        create.put("customerName", customerName);
        create.put("locale", "ko");
        create.put("metadata", metadata);

        // 1. Create the session. Keep the idempotency key with your own record: a retry after a
        //    timeout with the same key and body answers the same session instead of a second one.
        Map<?, ?> created = (Map<?, ?>) client.call("POST", "/v1/sessions", MiniJson.write(create),
                Map.of("Idempotency-Key", UUID.randomUUID().toString()));
        String sessionId = (String) created.get("sessionId");
        System.out.println("sessionId=" + sessionId);
        System.out.println("customerUrl: send this link to the customer (SMS, app push, e-mail); expires " + created.get("expiresAt"));

        // 2. Read it back.
        Map<?, ?> session = (Map<?, ?>) client.call("GET", VidentClient.sessionPath(sessionId));
        require(externalRef.equals(session.get("externalRef")), "externalRef read back");
        require(customerName.equals(session.get("customerName")), "customerName read back");
        require(metadata.equals(session.get("metadata")), "metadata read back");
        require("created".equals(session.get("state")), "state is created");
        System.out.println("read back: state=" + session.get("state") + " customerName=" + session.get("customerName"));

        // 3. Find it by your own reference: the query string is signed exactly as sent.
        String query = "externalRef=" + URLEncoder.encode(externalRef, StandardCharsets.UTF_8) + "&limit=10";
        List<?> found = (List<?>) ((Map<?, ?>) client.call("GET", "/v1/sessions?" + query)).get("sessions");
        require(found.stream().anyMatch(s -> sessionId.equals(((Map<?, ?>) s).get("sessionId"))), "listed by externalRef");
        System.out.println("listed by externalRef: " + found.size() + " session(s)");

        // 4. End it (the customer cancelled in your app). In a real flow the agent decides and you
        //    learn it from the session.decided webhook.
        Map<?, ?> ended = (Map<?, ?>) client.call("DELETE", VidentClient.sessionPath(sessionId));
        require("cancelled".equals(ended.get("state")), "state is cancelled after DELETE");

        // 5. The outcome, the audit trail and the evidence pack.
        Map<?, ?> outcome = (Map<?, ?>) ((Map<?, ?>) client.call("GET", VidentClient.sessionPath(sessionId))).get("outcome");
        require(outcome != null && "cancelled".equals(outcome.get("state")), "outcome is cancelled");
        System.out.println("outcome: " + MiniJson.write(outcome));
        Map<?, ?> trail = (Map<?, ?>) client.call("GET", VidentClient.sessionPath(sessionId) + "/audit");
        List<?> entries = (List<?>) trail.get("entries");
        require(!entries.isEmpty() && ((String) trail.get("head")).length() == 64, "audit trail with a head");
        System.out.println("audit: " + entries.size() + " entries, head " + trail.get("head"));
        Map<?, ?> signed = (Map<?, ?>) evidenceWhenReady(client, sessionId).get("signed");
        Map<?, ?> manifest = (Map<?, ?>) signed.get("manifest");
        require(sessionId.equals(manifest.get("sessionId")), "evidence manifest names the session");
        System.out.println("evidence: " + ((List<?>) manifest.get("artifacts")).size() + " artifact(s), signed " + signed.get("alg"));

        // 6. Delete the evidence (the customer's erasure request, once your own retention allows it).
        Map<?, ?> deleted = (Map<?, ?>) client.call("DELETE", VidentClient.sessionPath(sessionId) + "/evidence");
        System.out.println("evidence deleted: " + ((List<?>) deleted.get("artifacts")).size() + " artifact(s)");
        System.out.println("done");
    }

    /**
     * The evidence pack, asking again while it is 409 evidence_not_ready (recordings still uploading).
     * In production, fetch it when the evidence.ready webhook arrives instead of polling.
     */
    static Map<?, ?> evidenceWhenReady(VidentClient client, String sessionId) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return (Map<?, ?>) client.call("GET", VidentClient.sessionPath(sessionId) + "/evidence");
            } catch (VidentException error) {
                if (!error.code.equals("evidence_not_ready") || attempt == 15) throw error;
                System.out.println("evidence not ready yet, asking again in 2 s");
                Thread.sleep(2000);
            }
        }
    }

    static int verifyWebhookCommand(String id, String timestamp, String signature, Path bodyFile) throws IOException {
        byte[] body = Files.readAllBytes(bodyFile);
        String verdict = WebhookVerifier.verify(System.getenv("VIDENT_WEBHOOK_SECRET"), id, timestamp, signature, body,
                System.currentTimeMillis() / 1000);
        if (!verdict.equals("ok")) {
            // Answer your HTTP caller 400 (or 401) and do not act on the body.
            System.out.println("refused: " + verdict);
            return 1;
        }
        Map<?, ?> event = (Map<?, ?>) MiniJson.parse(new String(body, StandardCharsets.UTF_8));
        // Deduplicate on webhook-id: a retried delivery carries the same id.
        System.out.println("ok " + event.get("type") + " " + ((Map<?, ?>) event.get("data")).get("sessionId"));
        return 0;
    }

    static int checkVectors(Path file) throws IOException {
        Map<?, ?> vectors = (Map<?, ?>) MiniJson.parse(Files.readString(file, StandardCharsets.UTF_8));
        List<String> mismatches = new ArrayList<>();
        int total = 0;
        for (Object item : (List<?>) ((Map<?, ?>) vectors.get("requestSigning")).get("cases")) {
            Map<?, ?> v = (Map<?, ?>) item;
            total++;
            String name = (String) v.get("name");
            byte[] body = ((String) v.get("body")).getBytes(StandardCharsets.UTF_8);
            long timestamp = ((Number) v.get("timestamp")).longValue();
            String nonce = (String) v.get("nonce");
            expect(mismatches, name + " bodySha256", HexFormat.of().formatHex(sha256(body)), v.get("bodySha256"));
            expect(mismatches, name + " canonical", RequestSigner.canonical((String) v.get("method"), (String) v.get("pathWithQuery"), timestamp, body, nonce), v.get("canonical"));
            Map<String, String> headers = RequestSigner.sign((String) v.get("keyId"), (String) v.get("secret"), (String) v.get("method"), (String) v.get("pathWithQuery"), body, timestamp, nonce);
            expect(mismatches, name + " headers", headers, v.get("headers"));
        }
        for (Object item : (List<?>) ((Map<?, ?>) vectors.get("webhookSigning")).get("cases")) {
            Map<?, ?> v = (Map<?, ?>) item;
            total++;
            long timestamp = ((Number) v.get("timestamp")).longValue();
            String verdict = WebhookVerifier.verify((String) v.get("secret"), (String) v.get("id"), Long.toString(timestamp), (String) v.get("signature"),
                    ((String) v.get("body")).getBytes(StandardCharsets.UTF_8), timestamp);
            expect(mismatches, v.get("name") + " webhook signature", verdict, "ok");
        }
        for (Object item : (List<?>) ((Map<?, ?>) vectors.get("webhookVerification")).get("cases")) {
            Map<?, ?> v = (Map<?, ?>) item;
            total++;
            Map<?, ?> h = (Map<?, ?>) v.get("headers");
            String verdict = WebhookVerifier.verify((String) v.get("secret"), (String) h.get("webhook-id"), (String) h.get("webhook-timestamp"),
                    (String) h.get("webhook-signature"), ((String) v.get("body")).getBytes(StandardCharsets.UTF_8), ((Number) v.get("now")).longValue());
            expect(mismatches, v.get("name") + " webhook verdict", verdict, v.get("expect"));
        }
        mismatches.forEach(System.out::println);
        if (!mismatches.isEmpty()) {
            System.out.println(mismatches.size() + " mismatch(es) in " + total + " vectors");
            return 1;
        }
        System.out.println("all " + total + " vectors match");
        return 0;
    }

    public static void main(String[] args) throws Exception {
        int exit;
        try {
            if (args.length == 3 && args[0].equals("demo")) {
                demo(args[1], args[2]);
                exit = 0;
            } else if (args.length == 5 && args[0].equals("verify-webhook")) {
                exit = verifyWebhookCommand(args[1], args[2], args[3], Path.of(args[4]));
            } else if (args.length == 2 && args[0].equals("vectors")) {
                exit = checkVectors(Path.of(args[1]));
            } else {
                System.err.println("usage: java VidentExample.java demo <externalRef> <customerName>");
                System.err.println("       java VidentExample.java verify-webhook <webhook-id> <webhook-timestamp> <webhook-signature> <body-file>");
                System.err.println("       java VidentExample.java vectors <protocol/test-vectors/signing.json>");
                exit = 2;
            }
        } catch (VidentException error) {
            System.err.println("vident answered " + error.getMessage());
            exit = 1;
        } catch (IllegalStateException failed) {
            System.err.println(failed.getMessage());
            exit = 1;
        }
        System.exit(exit);
    }

    // ---------------------------------------------------------------------------------------------
    // Small helpers
    // ---------------------------------------------------------------------------------------------

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible); // every JDK has SHA-256
        }
    }

    static byte[] hmacSha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException impossible) {
            throw new IllegalStateException(impossible); // every JDK has HmacSHA256
        }
    }

    static void require(boolean condition, String what) {
        if (!condition) throw new IllegalStateException("check failed: " + what);
    }

    static void expect(List<String> mismatches, String name, Object actual, Object expected) {
        if (!Objects.equals(actual, expected)) mismatches.add("MISMATCH " + name + ": expected " + expected + ", got " + actual);
    }

    /**
     * The least JSON this example needs, so it runs on the bare JDK: objects (LinkedHashMap), arrays
     * (ArrayList), strings, numbers (Long or Double), true, false, null. Use Jackson or Gson in real code.
     */
    static final class MiniJson {
        private final String text;
        private int at;

        private MiniJson(String text) {
            this.text = text;
        }

        static Object parse(String text) {
            MiniJson parser = new MiniJson(text);
            Object value = parser.value();
            parser.skipSpace();
            if (parser.at != text.length()) throw new IllegalStateException("trailing text in JSON at " + parser.at);
            return value;
        }

        private Object value() {
            skipSpace();
            char c = text.charAt(at);
            if (c == '{') return object();
            if (c == '[') return array();
            if (c == '"') return string();
            if (text.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
            if (text.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
            if (text.startsWith("null", at)) { at += 4; return null; }
            return number();
        }

        private Map<String, Object> object() {
            Map<String, Object> map = new LinkedHashMap<>();
            at++; // {
            skipSpace();
            if (text.charAt(at) == '}') { at++; return map; }
            while (true) {
                skipSpace();
                String key = string();
                skipSpace();
                at++; // :
                map.put(key, value());
                skipSpace();
                if (text.charAt(at++) == '}') return map; // else ','
            }
        }

        private List<Object> array() {
            List<Object> list = new ArrayList<>();
            at++; // [
            skipSpace();
            if (text.charAt(at) == ']') { at++; return list; }
            while (true) {
                list.add(value());
                skipSpace();
                if (text.charAt(at++) == ']') return list; // else ','
            }
        }

        private String string() {
            StringBuilder out = new StringBuilder();
            at++; // opening quote
            while (true) {
                char c = text.charAt(at++);
                if (c == '"') return out.toString();
                if (c != '\\') { out.append(c); continue; }
                char escaped = text.charAt(at++);
                switch (escaped) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> { out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; }
                    default -> out.append(escaped); // \" \\ \/
                }
            }
        }

        private Number number() {
            int start = at;
            while (at < text.length() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
            String digits = text.substring(start, at);
            if (digits.isEmpty()) throw new IllegalStateException("unexpected JSON at " + start);
            return digits.matches("-?\\d+") ? (Number) Long.valueOf(digits) : (Number) Double.valueOf(digits);
        }

        private void skipSpace() {
            while (at < text.length() && Character.isWhitespace(text.charAt(at))) at++;
        }

        /** Writes maps, lists, strings, numbers, booleans and null as JSON (UTF-8 text kept as is). */
        static String write(Object value) {
            if (value == null) return "null";
            if (value instanceof String s) return quote(s);
            if (value instanceof Number || value instanceof Boolean) return value.toString();
            StringBuilder out = new StringBuilder();
            if (value instanceof Map<?, ?> map) {
                out.append('{');
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    if (out.length() > 1) out.append(',');
                    out.append(quote(entry.getKey().toString())).append(':').append(write(entry.getValue()));
                }
                return out.append('}').toString();
            }
            if (value instanceof List<?> list) {
                out.append('[');
                for (Object item : list) {
                    if (out.length() > 1) out.append(',');
                    out.append(write(item));
                }
                return out.append(']').toString();
            }
            throw new IllegalArgumentException("cannot write " + value.getClass());
        }

        private static String quote(String s) {
            StringBuilder out = new StringBuilder("\"");
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                        else out.append(c);
                    }
                }
            }
            return out.append('"').toString();
        }
    }
}
