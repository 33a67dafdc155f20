package dev.offload.config;

import static dev.offload.config.Units.quote;

import java.net.InetSocketAddress;

/**
 * {@code host:port} as written in {@code cluster.bind} and {@code cluster.members}: an IPv4 address or
 * a host name, or an IPv6 address in brackets ({@code [::1]:5701}). The port is always required, so
 * that no member silently listens on, or looks for, a port nobody wrote down.
 */
final class HostPort {

    private HostPort() {
    }

    /** An unresolved address (no name lookup happens here); {@code label} names the value in errors. */
    static InetSocketAddress parse(String text, String label) {
        String key = label.replaceAll("\\[\\d+]$", "");
        if (text == null || text.isBlank()) {
            throw new ConfigException(key, text, label + " must be host:port, e.g. 127.0.0.1:5701 (got "
                    + (text == null ? "null" : quote(text)) + ")");
        }
        String s = text.strip();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                throw bad(key, label, text, "an IPv6 address is written [address]:port, e.g. [::1]:5701");
            }
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon < 0) {
                throw bad(key, label, text, "the port is missing, e.g. " + s + ":5701");
            }
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
            if (host.indexOf(':') >= 0) {
                throw bad(key, label, text, "write an IPv6 address in brackets, e.g. [::1]:5701");
            }
        }
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw bad(key, label, text, "the host must be an address or a name without spaces");
        }
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
            throw bad(key, label, text, "the port must be 1 to 65535");
        }
        return InetSocketAddress.createUnresolved(host, Integer.parseInt(port));
    }

    /** {@code host:port}, with brackets around an IPv6 address: what {@link #parse} reads back. */
    static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    private static ConfigException bad(String key, String label, String text, String why) {
        return new ConfigException(key, text, label + ": " + quote(text) + " is not host:port (" + why + ")");
    }
}
