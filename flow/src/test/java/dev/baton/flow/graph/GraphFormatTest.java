package dev.baton.flow.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.flow.Case;
import dev.baton.flow.FlowSpec;
import dev.baton.flow.Inputs;
import dev.baton.flow.Parameter;
import dev.baton.flow.Retry;
import dev.baton.flow.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The text, Mermaid and DOT renderings. */
class GraphFormatTest {

    static class Mixed extends FlowSpec {
        @Parameter(help = "how many") int count = 3;
        List<Integer> items;
        boolean again;

        @Step(next = {"a", "b"}) public void start() {}
        @Retry(times = 2) @Step(next = "join") public void a() {}
        @Step(next = "fan", foreach = "items") public void b() {}

        @Step(condition = "again", cases = {@Case(value = "true", step = "fan"), @Case(value = "false", step = "j2")})
        public void fan() {}

        @Step(next = "join") public void j2(Inputs<Mixed> in) {}
        @Step(next = "end") public void join(Inputs<Mixed> in) {}
        @Step public void end() {}
    }

    @Test
    void mermaidFlowchart() {
        assertEquals("""
                flowchart TD
                    s0(["start"])
                    s1["a (retry 2)"]
                    s2{{"b"}}
                    s3{"fan"}
                    s4[["j2"]]
                    s5[["join"]]
                    s6(["end"])
                    s0 --> s1
                    s0 --> s2
                    s1 --> s5
                    s2 -->|"foreach items"| s3
                    s3 -.->|"again = true"| s3
                    s3 -->|"again = false"| s4
                    s4 --> s5
                    s5 --> s6
                """, GraphFormat.MERMAID.render(FlowGraph.of(Mixed.class)));
    }

    @Test
    void dotDigraph() {
        assertEquals("""
                digraph "Mixed" {
                    rankdir=TB;
                    node [shape=box, style=rounded, fontname="Helvetica"];
                    edge [fontname="Helvetica", fontsize=10];
                    "start" [label="start", shape=ellipse];
                    "a" [label="a (retry 2)", shape=box];
                    "b" [label="b", shape=hexagon];
                    "fan" [label="fan", shape=diamond];
                    "j2" [label="j2", shape=box, peripheries=2];
                    "join" [label="join", shape=box, peripheries=2];
                    "end" [label="end", shape=ellipse];
                    "start" -> "a";
                    "start" -> "b";
                    "a" -> "join";
                    "b" -> "fan" [label="foreach items"];
                    "fan" -> "fan" [label="again = true", style=dashed, constraint=false];
                    "fan" -> "j2" [label="again = false"];
                    "j2" -> "join";
                    "join" -> "end";
                }
                """, GraphFormat.DOT.render(FlowGraph.of(Mixed.class)));
    }

    @Test
    void textListing() {
        String text = GraphFormat.TEXT.render(FlowGraph.of(Mixed.class));
        assertTrue(text.startsWith("Mixed (" + Mixed.class.getName() + ")\n"), text);
        assertTrue(text.contains("  parameter --count (int, default 3): how many\n"), text);
        assertTrue(text.contains("\nstart\n    -> a, b  (joined at join)\n"), text);
        assertTrue(text.contains("\na  (inside start)\n    -> join\n    @Retry(times = 2)\n"), text);
        assertTrue(text.contains("\nfan  (inside start > b; foreach depth 1)\n"
                + "    switch on again: \"true\" -> fan, \"false\" -> j2\n"), text);
        assertTrue(text.contains("\nj2  (join of b; inside start)\n"), text);
        assertTrue(text.endsWith("\nend\n    (end of flow)\n"), text);
    }

    /** Case values are user text: quotes and markup must not break out of a label. */
    static class Quoted extends FlowSpec {
        String mood;

        @Step(condition = "mood", cases = {@Case(value = "say \"hi\" <b>", step = "a"), @Case(value = "a|b\\c", step = "end")})
        public void start() {}

        @Step(next = "end") public void a() {}
        @Step public void end() {}
    }

    @Test
    void labelsAreEscaped() {
        FlowGraph g = FlowGraph.of(Quoted.class);
        String mermaid = GraphFormat.MERMAID.render(g);
        assertTrue(mermaid.contains("s0 -->|\"mood = say #quot;hi#quot; #lt;b#gt;\"| s1\n"), mermaid);
        assertTrue(mermaid.contains("s0 -->|\"mood = a#124;b\\c\"| s2\n"), mermaid);
        String dot = GraphFormat.DOT.render(g);
        assertTrue(dot.contains("\"start\" -> \"a\" [label=\"mood = say \\\"hi\\\" <b>\"];\n"), dot);
        assertTrue(dot.contains("\"start\" -> \"end\" [label=\"mood = a|b\\\\c\"];\n"), dot);
    }
}
