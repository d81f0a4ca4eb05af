package dev.baton.stepfunctions.asl;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One state of a {@link StateMachine}: the closed set of ASL state types. JSON objects that the states pass on
 * verbatim ({@code Parameters}, {@code ResultSelector}, ...) are Jackson trees, copied on construction so that a
 * state never changes after it is built.
 */
public sealed interface State {

    /** A nested set of states: a Parallel branch or a Map's item processor. */
    record Scope(String startAt, Map<String, State> states) {
        public Scope {
            states = Collections.unmodifiableMap(new LinkedHashMap<>(states));
            if (!states.containsKey(startAt)) {
                throw new IllegalArgumentException("StartAt " + startAt + " names no state of " + states.keySet());
            }
        }
    }

    /** A {@code Task}: a service integration such as {@code arn:aws:states:::batch:submitJob.sync}. */
    record Task(String comment, String resource, ObjectNode parameters, Optional<ObjectNode> resultSelector,
            Optional<ResultPath> resultPath, List<Retrier> retry, List<Catcher> catchers,
            Optional<Integer> timeoutSeconds, Next next) implements State {
        public Task {
            parameters = parameters.deepCopy();
            resultSelector = resultSelector.map(ObjectNode::deepCopy);
            retry = List.copyOf(retry);
            catchers = List.copyOf(catchers);
        }
    }

    /**
     * A {@code Map} over the array at {@code itemsPath} in the state data, or over what {@code itemReader} reads.
     *
     * @param itemsPath the items in the state data; empty when an {@code ItemReader} gives them
     * @param itemReader the Distributed Map's {@code ItemReader} (e.g. a JSON array in S3), if any
     * @param distributed {@code DISTRIBUTED} mode (child executions) instead of {@code INLINE}
     * @param maxConcurrency 0 for no limit
     * @param resultWriter the Distributed Map's {@code ResultWriter}, if any
     */
    record MapState(String comment, Optional<String> itemsPath, Optional<ObjectNode> itemReader,
            ObjectNode itemSelector, Scope itemProcessor, boolean distributed, int maxConcurrency,
            Optional<ObjectNode> resultWriter, Optional<ResultPath> resultPath, List<Catcher> catchers, Next next)
            implements State {
        public MapState {
            if (itemsPath.isPresent() == itemReader.isPresent()) {
                throw new IllegalArgumentException("a Map takes its items from ItemsPath or from an ItemReader: one");
            }
            if (itemReader.isPresent() && !distributed) {
                throw new IllegalArgumentException("only a Distributed Map has an ItemReader");
            }
            itemReader = itemReader.map(ObjectNode::deepCopy);
            itemSelector = itemSelector.deepCopy();
            resultWriter = resultWriter.map(ObjectNode::deepCopy);
            catchers = List.copyOf(catchers);
        }
    }

    /** A {@code Parallel}: every branch runs; the result is the array of their outputs. */
    record Parallel(String comment, List<Scope> branches, Optional<ObjectNode> resultSelector,
            Optional<ResultPath> resultPath, List<Catcher> catchers, Next next) implements State {
        public Parallel {
            branches = List.copyOf(branches);
            resultSelector = resultSelector.map(ObjectNode::deepCopy);
            catchers = List.copyOf(catchers);
        }
    }

    /**
     * One rule of a {@link Choice}: {@code {"Variable": v, "<comparison>": value, "Next": next}}.
     *
     * @param comparison e.g. {@code StringEquals}
     */
    record ChoiceRule(String variable, String comparison, com.fasterxml.jackson.databind.JsonNode value, String next) {}

    /** A {@code Choice}: the first matching rule wins, else {@code defaultNext}. */
    record Choice(String comment, List<ChoiceRule> choices, Optional<String> defaultNext) implements State {
        public Choice {
            choices = List.copyOf(choices);
        }
    }

    /** A {@code Pass}: reshapes the state data with {@code Parameters}. */
    record Pass(String comment, Optional<ObjectNode> parameters, Optional<ResultPath> resultPath, Next next)
            implements State {
        public Pass {
            parameters = parameters.map(ObjectNode::deepCopy);
        }
    }

    /** A {@code Succeed}. */
    record Succeed(String comment) implements State {}

    /**
     * A {@code Fail}: the execution fails with an error name and cause, given as text or, with {@code fromPaths},
     * as reference paths into the state data ({@code ErrorPath}, {@code CausePath}).
     */
    record Fail(String comment, String error, String cause, boolean fromPaths) implements State {
        /** A Fail with a fixed error name and cause. */
        public Fail(String comment, String error, String cause) {
            this(comment, error, cause, false);
        }
    }

    /** A {@code Wait} of a fixed number of seconds. */
    record Wait(String comment, int seconds, Next next) implements State {}
}
