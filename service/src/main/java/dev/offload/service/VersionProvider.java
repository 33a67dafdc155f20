package dev.offload.service;

import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version Maven filtered into {@code offload-version.properties}. */
final class VersionProvider implements IVersionProvider {
    static final String RESOURCE = "offload-version.properties";

    @Override
    public String[] getVersion() throws IOException {
        Properties props = new Properties();
        try (InputStream in = VersionProvider.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                props.load(in);
            }
        }
        return new String[] {"offload " + props.getProperty("version", "(unknown version)")};
    }
}
