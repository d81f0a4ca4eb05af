package dev.baton.executor.internal;

import java.net.InetAddress;

/** The host name, looked up once (a reverse lookup can be slow, and every attempt records it). */
final class Hosts {
    private static volatile String name;

    private Hosts() {}

    static String name() {
        String n = name;
        if (n == null) {
            n = System.getenv("HOSTNAME");
            if (n == null || n.isBlank()) {
                try {
                    n = InetAddress.getLocalHost().getHostName();
                } catch (Exception e) {
                    n = "localhost";
                }
            }
            name = n;
        }
        return n;
    }
}
