package dev.offload.pool.handlers;

import dev.offload.worker.JobContext;
import dev.offload.worker.JobHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Records and collections both ways: a polygon in, its edges and a summary out. */
public class Shapes implements JobHandler<Shapes.Polygon, Shapes.Summary> {
    public record Point(int x, int y) {
    }

    public record Polygon(String name, List<Point> points) {
    }

    public record Summary(String name, List<List<Point>> edges, Map<String, Integer> counts) {
    }

    @Override
    public Summary handle(Polygon input, JobContext context) {
        List<List<Point>> edges = new ArrayList<>();
        List<Point> p = input.points();
        for (int i = 0; i < p.size(); i++) {
            edges.add(List.of(p.get(i), p.get((i + 1) % p.size())));
        }
        Map<String, Integer> counts = new TreeMap<>();
        counts.put("points", p.size());
        counts.put("edges", edges.size());
        return new Summary(input.name(), edges, counts);
    }
}
