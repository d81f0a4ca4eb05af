package dev.baton.cli.internal.cds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A minimal, in-memory S3-compatible endpoint on loopback for {@link CdsTraining}: just enough of the S3 REST API
 * (path-style HEAD bucket; PUT with {@code If-None-Match: *}, GET with {@code Range}, HEAD and DELETE of objects;
 * ListObjectsV2) for a few tasks to run through the real SDK client, so that the classes of the request and
 * response pipeline are in the class list. Not a test double for anything else: no auth check, one bucket, no
 * multipart uploads.
 */
final class TrainingS3 implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "training-s3");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, byte[]> objects = new ConcurrentSkipListMap<>();

    private TrainingS3(HttpServer server) {
        this.server = server;
    }

    /** Starts the endpoint on a free loopback port. */
    static TrainingS3 start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        TrainingS3 s3 = new TrainingS3(server);
        server.createContext("/", s3::handle);
        server.setExecutor(s3.executor);
        server.start();
        return s3;
    }

    /** {@code http://127.0.0.1:PORT}. */
    URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /** The number of objects stored (the training checks that its tasks wrote). */
    int objectCount() {
        return objects.size();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath(); // decoded: "/bucket" or "/bucket/key"
            String query = exchange.getRequestURI().getRawQuery();
            int slash = path.indexOf('/', 1);
            String bucket = slash < 0 ? path.substring(1) : path.substring(1, slash);
            String key = slash < 0 ? "" : path.substring(slash + 1);
            byte[] body = body(exchange);
            String method = exchange.getRequestMethod();
            if (key.isEmpty()) {
                if (method.equals("GET") && query != null && query.contains("list-type=2")) {
                    list(exchange, bucket, query);
                } else {
                    send(exchange, 200, null);
                }
                return;
            }
            switch (method) {
                case "PUT" -> {
                    if ("*".equals(exchange.getRequestHeaders().getFirst("If-None-Match")) && objects.containsKey(key)) {
                        error(exchange, 412, "PreconditionFailed", key);
                        return;
                    }
                    objects.put(key, body);
                    exchange.getResponseHeaders().set("ETag", etag(body));
                    send(exchange, 200, null);
                }
                case "GET", "HEAD" -> {
                    byte[] object = objects.get(key);
                    if (object == null) {
                        error(exchange, 404, "NoSuchKey", key);
                        return;
                    }
                    exchange.getResponseHeaders().set("ETag", etag(object));
                    exchange.getResponseHeaders().set("Last-Modified", "Thu, 01 Jan 2026 00:00:00 GMT");
                    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                    String range = exchange.getRequestHeaders().getFirst("Range");
                    if (range != null && range.startsWith("bytes=") && object.length > 0) {
                        String[] r = range.substring(6).split("-", 2);
                        int from = Integer.parseInt(r[0]);
                        int to = r[1].isEmpty() ? object.length - 1 : Math.min(object.length - 1, Integer.parseInt(r[1]));
                        exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + to + "/" + object.length);
                        byte[] part = java.util.Arrays.copyOfRange(object, from, to + 1);
                        send(exchange, 206, method.equals("HEAD") ? null : part, part.length);
                    } else {
                        send(exchange, 200, method.equals("HEAD") ? null : object, object.length);
                    }
                }
                case "DELETE" -> {
                    objects.remove(key);
                    send(exchange, 204, null);
                }
                default -> error(exchange, 501, "NotImplemented", key);
            }
        }
    }

    private void list(HttpExchange exchange, String bucket, String query) throws IOException {
        String prefix = "";
        for (String param : query.split("&")) {
            if (param.startsWith("prefix=")) {
                prefix = java.net.URLDecoder.decode(param.substring(7), StandardCharsets.UTF_8);
            }
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>").append(bucket)
                .append("</Name><Prefix>").append(prefix).append("</Prefix><IsTruncated>false</IsTruncated>");
        int count = 0;
        for (Map.Entry<String, byte[]> e : objects.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                count++;
                xml.append("<Contents><Key>").append(e.getKey()).append("</Key><Size>").append(e.getValue().length)
                        .append("</Size><ETag>").append(etag(e.getValue()))
                        .append("</ETag><LastModified>2026-01-01T00:00:00.000Z</LastModified></Contents>");
            }
        }
        xml.append("<KeyCount>").append(count).append("</KeyCount></ListBucketResult>");
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        send(exchange, 200, xml.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static void error(HttpExchange exchange, int status, String code, String key) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/xml");
        byte[] xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code + "</Code><Message>" + code
                + "</Message><Key>" + key + "</Key><RequestId>training</RequestId></Error>")
                .getBytes(StandardCharsets.UTF_8);
        send(exchange, status, exchange.getRequestMethod().equals("HEAD") ? null : xml);
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        send(exchange, status, body, body == null ? 0 : body.length);
    }

    /** {@code contentLength} is announced even without a body (HEAD). */
    private static void send(HttpExchange exchange, int status, byte[] body, long contentLength) throws IOException {
        exchange.getResponseHeaders().set("x-amz-request-id", "training");
        if (body == null) {
            if (contentLength > 0) {
                exchange.getResponseHeaders().set("Content-Length", Long.toString(contentLength));
            }
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /**
     * The request body, decoded from {@code aws-chunked} when the client streams signed chunks
     * ({@code SIZE;chunk-signature=...\r\nDATA\r\n ... 0;...\r\n} then optional trailers).
     */
    private static byte[] body(HttpExchange exchange) throws IOException {
        byte[] raw = exchange.getRequestBody().readAllBytes();
        String sha = exchange.getRequestHeaders().getFirst("x-amz-content-sha256");
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        boolean chunked = (sha != null && sha.startsWith("STREAMING-"))
                || (encoding != null && encoding.contains("aws-chunked"));
        if (!chunked) {
            return raw;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < raw.length) {
            int eol = indexOf(raw, i);
            if (eol < 0) {
                break;
            }
            String header = new String(raw, i, eol - i, StandardCharsets.US_ASCII);
            int size = Integer.parseInt(header.split(";", 2)[0].trim(), 16);
            if (size == 0) {
                break; // the trailers follow
            }
            out.write(raw, eol + 2, size);
            i = eol + 2 + size + 2;
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] raw, int from) {
        for (int i = from; i + 1 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static String etag(byte[] content) {
        try {
            return "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content)) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
