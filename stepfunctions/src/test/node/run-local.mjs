// node run-local.mjs DEFINITION.json EXECUTION_NAME INPUT_JSON HANDLER_URL
// Runs a compiled state machine with aws-local-stepfunctions 3.0.0. Every Task state is handed to the Java test's
// handler over HTTP (POST {state, resource, input}; input is the state's effective input, after Parameters): it runs
// the real `baton step` for Batch tasks and reads the real coordinator table for DynamoDB getItem.
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
  context: { Execution: { Name: executionName } },
});
try {
  const output = await exec.result;
  console.log(JSON.stringify({ status: 'SUCCEEDED', output }));
} catch (e) {
  console.log(JSON.stringify({ status: 'FAILED', error: e?.name ?? String(e), cause: e?.message ?? '' }));
  process.exitCode = 1;
}
