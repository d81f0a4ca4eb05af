// node run-local.mjs DEFINITION.json EXECUTION_NAME INPUT_JSON HANDLER_URL
// Runs a compiled state machine with aws-local-stepfunctions 3.0.0. Every Task state is handed to the Java test's
// handler over HTTP (POST {state, resource, input}; input is the state's effective input, after Parameters): it runs
// the real `baton step` for Batch tasks, reads the real coordinator table for DynamoDB getItem, and does the real
// S3 calls (ItemReader, aws-sdk getObject/putObject) against the test's S3 server.
// Prints one JSON line: {"status":"SUCCEEDED","output":...} or {"status":"FAILED","error":...,"cause":...}.
// Node 20 lacks Promise.withResolvers, which the package (node >= 22) uses.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const { StateMachine } = await import('aws-local-stepfunctions');
import { readFileSync } from 'node:fs';

const [file, executionName, inputJson, handlerUrl] = process.argv.slice(2);
const definition = JSON.parse(readFileSync(file, 'utf8'));

// aws-local-stepfunctions has no ItemReader (Distributed Map). The substitute keeps everything the compiled
// machine computes and runs it in the same order: the ItemReader becomes a Task under the Map's own name (its
// Resource and Parameters as compiled, so the handler does the real GetObject with the key the machine computed
// from its data), which stores the array it read; an INLINE Map under "<name> (items)" then iterates that array
// with the compiled ItemSelector and item processor (whose states still see the run id as $.runId). What is
// not reproduced: child executions of their own, MaxConcurrency across them, and the ResultWriter.
function substituteItemReaders(states) {
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Map') substituteItemReaders(s.ItemProcessor.States);
    if (s.Type === 'Parallel') for (const b of s.Branches) substituteItemReaders(b.States);
    if (s.Type !== 'Map' || !s.ItemReader) continue;
    const mapName = `${name} (items)`;
    const { ItemReader, ResultWriter, ...map } = s;
    map.ItemsPath = '$.itemReaderOutput';
    map.ItemProcessor = { ...s.ItemProcessor, ProcessorConfig: { Mode: 'INLINE' } };
    states[name] = { Type: 'Task', Comment: `ItemReader of ${name} (local substitute)`, Resource: ItemReader.Resource,
      Parameters: ItemReader.Parameters, ResultPath: '$.itemReaderOutput', Next: mapName,
      ...(s.Catch ? { Catch: s.Catch } : {}) };
    states[mapName] = map;
  }
}
substituteItemReaders(definition.States);

// The runner applies the ASL spec's default Task timeout of 60 s; AWS's is 99999999 s, so a Batch task that waits
// long for a slot on a loaded machine would fail here and nowhere else. An hour stands in for "none" (a larger
// setTimeout overflows).
function noDefaultTaskTimeout(states) {
  for (const s of Object.values(states)) {
    if (s.Type === 'Task' && s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined) s.TimeoutSeconds = 3600;
    if (s.Type === 'Map') noDefaultTaskTimeout(s.ItemProcessor.States);
    if (s.Type === 'Parallel') for (const b of s.Branches) noDefaultTaskTimeout(b.States);
  }
}
noDefaultTaskTimeout(definition.States);

function taskStates(states, out) {
  for (const [name, s] of Object.entries(states)) {
    if (s.Type === 'Task') out.push([name, s.Resource]);
    if (s.Type === 'Map') taskStates(s.ItemProcessor.States, out);
    if (s.Type === 'Parallel') for (const b of s.Branches) taskStates(b.States, out);
  }
  return out;
}

const handlers = {};
for (const [name, resource] of taskStates(definition.States, [])) {
  handlers[name] = async (input) => {
    const res = await fetch(handlerUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: name, resource, input }) });
    const body = await res.json();
    if (res.status !== 200) {
      const e = new Error(body.cause ?? 'task failed'); e.name = body.error ?? 'States.TaskFailed'; throw e;
    }
    return body;
  };
}

const sm = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: true } });
const exec = sm.run(JSON.parse(inputJson), {
  overrides: { taskResourceLocalHandlers: handlers },
  // the runner has no per-state context: State.EnteredTime is the execution's start here
  context: { Execution: { Name: executionName }, State: { EnteredTime: new Date().toISOString() } },
});
try {
  const output = await exec.result;
  console.log(JSON.stringify({ status: 'SUCCEEDED', output }));
} catch (e) {
  // the runner wraps what failed the execution (e.g. a Fail state's Error and Cause) in an ExecutionError
  const failure = e?.cause ?? e;
  console.log(JSON.stringify({ status: 'FAILED', error: failure?.name ?? String(failure),
    cause: failure?.message ?? '' }));
  process.exitCode = 1;
}
