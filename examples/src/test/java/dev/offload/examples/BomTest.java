package dev.offload.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * offload-bom lists every module the build publishes, at the project's version: a module added
 * to the reactor and not to the BOM fails here. Published means not marked
 * {@code maven.deploy.skip} (the benchmarks and these examples).
 */
class BomTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void shouldListEveryPublishedModuleAtTheProjectVersion() throws Exception {
        Element parent = read(ROOT.resolve("pom.xml"));
        Element bom = read(ROOT.resolve("offload-bom/pom.xml"));
        List<String> published = new ArrayList<>();
        for (String module : texts(child(parent, "modules"), "module")) {
            Element pom = read(ROOT.resolve(module).resolve("pom.xml"));
            boolean packagedAsPom = "pom".equals(text(pom, "packaging"));
            if (!packagedAsPom && !"true".equals(text(child(pom, "properties"), "maven.deploy.skip"))) {
                published.add(text(pom, "artifactId"));
            }
        }

        List<Element> managed = elements(child(child(bom, "dependencyManagement"), "dependencies"), "dependency");
        assertThat(managed).extracting(d -> text(d, "artifactId")).containsExactlyInAnyOrderElementsOf(published);
        assertThat(managed).allSatisfy(d -> {
            assertThat(text(d, "groupId")).isEqualTo("dev.offload");
            assertThat(text(d, "version")).isEqualTo("${project.version}");
        });
        assertThat(text(bom, "version")).as("the BOM's version").isEqualTo(text(parent, "version"));
        assertThat(published).contains("pool-core", "micrometer", "service").doesNotContain("jmh", "examples");
    }

    private static Element read(Path pom) throws Exception {
        assertThat(pom).exists();
        try (var in = Files.newInputStream(pom)) {
            Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(in);
            return doc.getDocumentElement();
        }
    }

    /** The first child element called {@code name}; null if there is none. */
    private static Element child(Element parent, String name) {
        List<Element> found = parent == null ? List.of() : elements(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }

    private static List<String> texts(Element parent, String name) {
        return elements(parent, name).stream().map(e -> e.getTextContent().trim()).toList();
    }

    private static List<Element> elements(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            Node n = children.item(i);
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }
}
