package dev.baton.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A tiny HTTP/1.1 relay on loopback that sits in front of an S3 endpoint and breaks every {@code n}-th request
 * on purpose, at the HTTP level, the way real S3 and real networks fail:
 * <ul>
 *   <li>{@link Fault#SLOW_DOWN}: answers {@code 503 SlowDown} (S3's throttling reply) without forwarding;</li>
 *   <li>{@link Fault#INTERNAL_ERROR}: answers {@code 500 InternalError} without forwarding;</li>
 *   <li>{@link Fault#DROP}: closes the connection without any answer (a reset);</li>
 *   <li>{@link Fault#TRUNCATE}: forwards a GET, then cuts the response body in the middle and closes.</li>
 * </ul>
 * The faults given to {@link #start} take turns. Requests and responses are otherwise relayed byte for byte, Host
 * header included, so SigV4 signatures stay valid. One upstream connection per client connection; requests are
 * not pipelined by the SDK's HTTP clients, so responses pair with requests in order.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** A way to fail a request. */
    public enum Fault {
        SLOW_DOWN,
        INTERNAL_ERROR,
        DROP,
        TRUNCATE
    }

    /** What an {@link #intercept} hook decides for one request. */
    public enum Verdict {
        /** Relay it to the server. */
        FORWARD,
        /** Answer {@code 500 InternalError} without relaying it. */
        INTERNAL_ERROR
    }

    private volatile Function<String, Verdict> hook;
    private volatile BiConsumer<String, Integer> answered;
    private final ServerSocket server;
    private final URI upstream;
    private final int every;
    private final List<Fault> faults;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicInteger injected = new AtomicInteger();
    private final ConcurrentHashMap<Fault, AtomicInteger> byKind = new ConcurrentHashMap<>();
    private final AtomicInteger turn = new AtomicInteger();
    private final Thread acceptor;
    private final List<Socket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
    private final java.util.concurrent.ConcurrentLinkedQueue<String> heads = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean enabled = true;
    private volatile boolean closed;

    private FaultInjectingProxy(URI upstream, int every, List<Fault> faults) throws IOException {
        this.upstream = upstream;
        this.every = every;
        this.faults = List.copyOf(faults);
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::accept, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts a relay to {@code upstream} that injects no fault: it forwards and records request heads only. */
    public static FaultInjectingProxy passThrough(URI upstream) {
        FaultInjectingProxy proxy = start(upstream, Integer.MAX_VALUE, Fault.SLOW_DOWN);
        proxy.enabled(false);
        return proxy;
    }

    /**
     * Starts a relay to {@code upstream} ({@code http://host:port}) that fails every {@code every}-th request
     * with the given faults in turn.
     */
    public static FaultInjectingProxy start(URI upstream, int every, Fault... faults) {
        if (every < 1 || faults.length == 0) {
            throw new IllegalArgumentException("need every >= 1 and at least one fault");
        }
        try {
            return new FaultInjectingProxy(upstream, every, List.of(faults));
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the fault proxy", e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: point clients here. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Turns fault injection on or off (e.g. off while setting up buckets). */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    /** Requests seen so far. */
    public long requests() {
        return requests.get();
    }

    /** Faults injected so far. */
    public int injected() {
        return injected.get();
    }

    /**
     * The heads (request line and headers, as sent) of the requests seen so far, oldest first: for tests that
     * check what a client sent.
     */
    public List<String> requestHeads() {
        return List.copyOf(heads);
    }

    /**
     * Calls {@code hook} with the head of each request (request line and headers, as sent) before the relay acts
     * on it, on that request's connection thread: a hook that blocks holds that request, and only it, until it
     * returns; {@link Verdict#INTERNAL_ERROR} fails the request. Runs before the every-n-th faults are counted.
     */
    public void intercept(Function<String, Verdict> hook) {
        this.hook = hook;
    }

    /**
     * Calls {@code listener} with the head of each relayed request and the server's status once the server has
     * answered it, before the answer is relayed: whatever the client does after it has the answer comes after the
     * call, so a test can tell one request finished before another started.
     */
    public void onAnswered(BiConsumer<String, Integer> listener) {
        this.answered = listener;
    }

    /** Faults of one kind injected so far. */
    public int injected(Fault fault) {
        AtomicInteger n = byKind.get(fault);
        return n == null ? 0 : n.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                client.setTcpNoDelay(true);
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    /** A decision for one request, handed from the request side to the response side. */
    private record Exchange(String method, boolean truncate, String head) {}

    private void serve(Socket client) {
        Socket up = null;
        try {
            up = new Socket();
            up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()));
            up.setTcpNoDelay(true);
            sockets.add(up);
            InputStream clientIn = new BufferedInputStream(client.getInputStream(), 1 << 16);
            OutputStream clientOut = client.getOutputStream();
            InputStream upIn = new BufferedInputStream(up.getInputStream(), 1 << 16);
            OutputStream upOut = up.getOutputStream();
            BlockingQueue<Exchange> exchanges = new LinkedBlockingQueue<>();
            Socket upstreamSocket = up;
            Thread responses = new Thread(
                    () -> relayResponses(upIn, clientOut, exchanges, client, upstreamSocket), "fault-proxy-resp");
            responses.setDaemon(true);
            responses.start();
            while (true) {
                Head head = Head.read(clientIn);
                if (head == null) {
                    break;
                }
                String text = new String(head.raw(), StandardCharsets.ISO_8859_1);
                Function<String, Verdict> h = hook;
                Verdict verdict = h == null ? Verdict.FORWARD : h.apply(text);
                long n = requests.incrementAndGet();
                if (heads.size() < 100_000) {
                    heads.add(text);
                }
                Fault fault = enabled && n % every == 0 ? faults.get(Math.floorMod(turn.getAndIncrement(), faults.size())) : null;
                if (verdict == Verdict.INTERNAL_ERROR) {
                    fault = Fault.INTERNAL_ERROR;
                }
                if (fault == Fault.TRUNCATE && !head.method().equals("GET")) {
                    fault = Fault.SLOW_DOWN; // only a response with a body can be cut short
                }
                if (fault != null) {
                    injected.incrementAndGet();
                    byKind.computeIfAbsent(fault, k -> new AtomicInteger()).incrementAndGet();
                }
                if (fault == Fault.DROP) {
                    break;
                }
                if (fault == Fault.SLOW_DOWN || fault == Fault.INTERNAL_ERROR) {
                    // the previous response has been fully relayed (no pipelining): the client socket is ours
                    boolean slow = fault == Fault.SLOW_DOWN;
                    byte[] body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                            + (slow ? "SlowDown" : "InternalError") + "</Code><Message>"
                            + (slow ? "Please reduce your request rate." : "We encountered an internal error.")
                            + "</Message><RequestId>fault-" + n + "</RequestId></Error>").getBytes(StandardCharsets.UTF_8);
                    String status = slow ? "503 Slow Down" : "500 Internal Server Error";
                    clientOut.write(("HTTP/1.1 " + status + "\r\nContent-Type: application/xml\r\nContent-Length: "
                            + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    clientOut.write(body);
                    clientOut.flush();
                    break;
                }
                exchanges.put(new Exchange(head.method(), fault == Fault.TRUNCATE, text));
                upOut.write(head.raw());
                upOut.flush();
                relayBody(head, clientIn, upOut);
                upOut.flush();
            }
        } catch (IOException | InterruptedException e) {
            // a client or server went away: nothing to relay any more
        } finally {
            closeQuietly(client);
            closeQuietly(up);
            sockets.remove(client);
            sockets.remove(up);
        }
    }

    private void relayResponses(
            InputStream upIn, OutputStream clientOut, BlockingQueue<Exchange> exchanges, Socket client, Socket up) {
        try {
            while (true) {
                Exchange exchange = exchanges.take();
                Head head;
                do {
                    head = Head.read(upIn);
                    if (head == null) {
                        return;
                    }
                    BiConsumer<String, Integer> listener = answered;
                    if (listener != null && (head.status() < 100 || head.status() >= 200)) {
                        listener.accept(exchange.head(), head.status());
                    }
                    clientOut.write(head.raw());
                    clientOut.flush();
                } while (head.status() >= 100 && head.status() < 200); // 100 Continue, then the real answer
                boolean noBody = exchange.method().equals("HEAD") || head.status() == 204 || head.status() == 304;
                if (noBody) {
                    continue;
                }
                if (exchange.truncate() && head.contentLength() > 1) {
                    copy(upIn, clientOut, head.contentLength() / 2);
                    clientOut.flush();
                    return; // finally closes both sockets mid-body
                }
                if (head.chunked()) {
                    relayChunked(upIn, clientOut);
                } else if (head.contentLength() >= 0) {
                    copy(upIn, clientOut, head.contentLength());
                } else {
                    upIn.transferTo(clientOut);
                    return;
                }
                clientOut.flush();
            }
        } catch (IOException | InterruptedException e) {
            // connection gone
        } finally {
            closeQuietly(client);
            closeQuietly(up);
        }
    }

    private static void relayBody(Head head, InputStream in, OutputStream out) throws IOException {
        if (head.chunked()) {
            relayChunked(in, out);
        } else if (head.contentLength() > 0) {
            copy(in, out, head.contentLength());
        }
    }

    private static void relayChunked(InputStream in, OutputStream out) throws IOException {
        while (true) {
            String sizeLine = line(in);
            out.write((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
            int semi = sizeLine.indexOf(';');
            long size = Long.parseLong((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
            if (size == 0) {
                String trailer;
                do {
                    trailer = line(in);
                    out.write((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
                } while (!trailer.isEmpty());
                return;
            }
            copy(in, out, size);
            String crlf = line(in);
            out.write((crlf + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = n;
        while (left > 0) {
            int r = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (r < 0) {
                throw new EOFException();
            }
            out.write(buffer, 0, r);
            left -= r;
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new EOFException();
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    /** A request or response head: the raw bytes to forward and the fields that frame the body. */
    private record Head(byte[] raw, String method, int status, long contentLength, boolean chunked) {
        static Head read(InputStream in) throws IOException {
            ByteArrayOutputStream raw = new ByteArrayOutputStream(512);
            List<String> lines = new ArrayList<>();
            while (true) {
                ByteArrayOutputStream b = new ByteArrayOutputStream(64);
                int c;
                while ((c = in.read()) != '\n') {
                    if (c < 0) {
                        if (raw.size() == 0 && b.size() == 0) {
                            return null; // clean end of connection between messages
                        }
                        throw new EOFException("connection closed inside an HTTP head");
                    }
                    raw.write(c);
                    if (c != '\r') {
                        b.write(c);
                    }
                }
                raw.write('\n');
                String line = b.toString(StandardCharsets.ISO_8859_1);
                if (line.isEmpty()) {
                    break;
                }
                lines.add(line);
            }
            String first = lines.get(0);
            String method = "";
            int status = 0;
            if (first.startsWith("HTTP/")) {
                status = Integer.parseInt(first.split(" ")[1]);
            } else {
                method = first.substring(0, first.indexOf(' '));
            }
            long length = -1;
            boolean chunked = false;
            for (String line : lines.subList(1, lines.size())) {
                int colon = line.indexOf(':');
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    length = Long.parseLong(value);
                } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            if (!first.startsWith("HTTP/") && length < 0 && !chunked) {
                length = 0; // a request without framing headers has no body
            }
            return new Head(raw.toByteArray(), method, status, length, chunked);
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        synchronized (sockets) {
            sockets.forEach(FaultInjectingProxy::closeQuietly);
            sockets.clear();
        }
    }

    @Override
    public String toString() {
        return "FaultInjectingProxy(" + endpoint() + " -> " + upstream + ", every " + every + " " + faults + ")";
    }
}
