package dev.baton.coordinator.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An HTTP proxy on loopback in front of a real DynamoDB Local that first answers with queued faults (the
 * throttling and access errors DynamoDB Local never produces), then forwards every further request unchanged.
 * It records the {@code X-Amz-Target} of every request it receives, so a test can count attempts.
 */
final class FaultProxy implements AutoCloseable {
    /** What to answer instead of forwarding: an AWS JSON error, or every requested key left unprocessed. */
    sealed interface Fault {
        /** An error response as DynamoDB sends it ({@code __type} in the body, {@code x-amzn-ErrorType} header). */
        record Error(int status, String code) implements Fault {}

        /**
         * A BatchGetItem answer that processes nothing (what a throttled table returns); it waits in the queue for
         * the next BatchGetItem.
         */
        record NothingProcessed() implements Fault {}
    }

    private final HttpServer server;
    private final HttpClient forward = HttpClient.newHttpClient();
    private final URI target;
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<String> seen = Collections.synchronizedList(new ArrayList<>());

    FaultProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    FaultProxy fail(Fault... next) {
        faults.addAll(List.of(next));
        return this;
    }

    /** The operations received, e.g. {@code UpdateItem}, in arrival order. */
    List<String> operations() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String amzTarget = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            seen.add(amzTarget.substring(amzTarget.indexOf('.') + 1));
            // "nothing processed" is a BatchGetItem answer: other operations pass by it
            Fault fault = faults.peek() instanceof Fault.NothingProcessed && !amzTarget.endsWith(".BatchGetItem")
                    ? null : faults.poll();
            if (fault instanceof Fault.Error error) {
                exchange.getResponseHeaders().add("x-amzn-ErrorType", error.code());
                respond(exchange, error.status(), "{\"__type\":\"com.amazonaws.dynamodb.v20120810#" + error.code()
                        + "\",\"message\":\"injected by the test\"}");
            } else if (fault instanceof Fault.NothingProcessed) {
                String request = new String(body, StandardCharsets.UTF_8);
                String requestItems = request.substring(request.indexOf(':') + 1, request.lastIndexOf('}'));
                respond(exchange, 200, "{\"Responses\":{},\"UnprocessedKeys\":" + requestItems + "}");
            } else {
                HttpRequest.Builder copy = HttpRequest.newBuilder(target.resolve(exchange.getRequestURI()))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Content-Type", "X-Amz-Target", "X-Amz-Date", "Authorization")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        copy.header(header, value);
                    }
                }
                HttpResponse<byte[]> response = forward.send(copy.build(), HttpResponse.BodyHandlers.ofByteArray());
                exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
                exchange.sendResponseHeaders(response.statusCode(), response.body().length);
                exchange.getResponseBody().write(response.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
