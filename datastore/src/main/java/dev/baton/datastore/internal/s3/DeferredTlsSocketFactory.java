package dev.baton.datastore.internal.s3;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.apache.http.HttpHost;
import org.apache.http.conn.socket.LayeredConnectionSocketFactory;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.protocol.HttpContext;

/**
 * The {@code https} socket factory of a client whose endpoint is plain {@code http://} (an S3-compatible server on
 * the same host or network): the TLS context is built only if an {@code https} connection is ever made.
 *
 * <p>Why: the SDK's HTTP client builds its TLS context (the JDK's trust anchors parsed from {@code cacerts}, the
 * cipher suite tables, the public-suffix list of the host name verifier) when the client is built, whether or not a
 * request ever uses TLS. That is about 60 ms of CPU in each task's start-up, which a client that only ever talks
 * {@code http} to its endpoint never needs. Should a connection still use {@code https} (nothing in Baton does so
 * with an {@code http} endpoint), it gets the JDK's default TLS set-up with the standard host name verification,
 * built then.
 */
final class DeferredTlsSocketFactory implements LayeredConnectionSocketFactory {
    private volatile LayeredConnectionSocketFactory tls;

    private LayeredConnectionSocketFactory tls() {
        LayeredConnectionSocketFactory f = tls;
        if (f == null) {
            synchronized (this) {
                f = tls;
                if (f == null) {
                    // the JDK's default context and the javax.net.ssl.* system properties, as the SDK's own default
                    tls = f = SSLConnectionSocketFactory.getSystemSocketFactory();
                }
            }
        }
        return f;
    }

    /** Whether the TLS set-up has been built (tests). */
    boolean tlsBuilt() {
        return tls != null;
    }

    @Override
    public Socket createSocket(HttpContext context) throws IOException {
        return tls().createSocket(context);
    }

    @Override
    public Socket connectSocket(int connectTimeout, Socket socket, HttpHost host, InetSocketAddress remoteAddress,
            InetSocketAddress localAddress, HttpContext context) throws IOException {
        return tls().connectSocket(connectTimeout, socket, host, remoteAddress, localAddress, context);
    }

    @Override
    public Socket createLayeredSocket(Socket socket, String target, int port, HttpContext context) throws IOException {
        return tls().createLayeredSocket(socket, target, port, context);
    }
}
