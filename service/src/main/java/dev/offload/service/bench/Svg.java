package dev.offload.service.bench;

import java.util.Locale;

/** Text and numbers as the bench page writes them: escaped, and in a locale-free format. */
final class Svg {
    private Svg() {
    }

    /** Escaped for element text and attribute values. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A coordinate: one decimal is finer than a pixel. */
    static String coordinate(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    /** A latency in microseconds as the tables print it. */
    static String micros(double value) {
        return String.format(Locale.ROOT, value >= 100 ? "%,.0f" : "%,.1f", value);
    }
}
