// The MCP tasks extension (io.modelcontextprotocol/tasks, revision 2026-07-28) of nemo-video-mcp,
// driven by its official client: @modelcontextprotocol/ext-tasks over a connected 2.x Client.
//
// The 2.x Client rejects `resultType: "task"` (UnsupportedResultType), so ext-tasks sends its V2
// traffic (tools/call, tasks/*) through a host-owned raw request path, `rawDispatch`, and stamps
// each request with `v2RequestFraming` (protocol version, client info and capabilities, the same
// values the Client was built with). Here that path is a small coordinator on the Client's own
// stdio transport: it writes the framed request with an id of its own ("ext-tasks-N", never a
// number the Client uses) and takes the matching response off the transport before the Client
// sees it; everything else (progress, the Client's own requests) flows to the Client as usual.
//
// The server runs with a 500 ms first window (NEMO_TASK_WINDOW_MS), so a render of a second or
// more becomes a task, and behind the wire tap, so the tests also check what crossed the pipe.

import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { Client, PROTOCOL_VERSION_META_KEY, CLIENT_CAPABILITIES_META_KEY, CLIENT_INFO_META_KEY } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { createTaskSessionFromClient, resultFromTaskOutcome } from '@modelcontextprotocol/ext-tasks/client';

import {
  DEFAULT_EDIT_TURN,
  FLOW_REQUEST_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  collectStderr,
  readHead,
  readTap,
  setup,
  tappedServerParams,
} from './harness.mjs';

const MODERN = '2026-07-28';
const TASKS = 'io.modelcontextprotocol/tasks';
const CLIENT_INFO = { name: 'nemo-conformance-ext-tasks', version: '1.0.0' };
const CLIENT_CAPABILITIES = {};
const REQUEST = { timeout: REQUEST_TIMEOUT_MS };
/** Budget of one test here: a task is polled every pollIntervalMs (the server says 2 s). */
const TASK_TEST_TIMEOUT_MS = 30_000;

// The server polls a render first after NEMO_RENDER_POLL_MS (100 ms), then at growing intervals;
// the test backend moves a render one step per status poll.
/** Some 1.5 s of render: three times the first window. */
const SLOW_RENDER = ['pending', 'processing', 'processing', 'rendering', 'rendering', 'completed'];
/** Done at the first status poll: a blocking export to compare with. */
const FAST_RENDER = ['completed'];
/** Far longer than the test: still running when the cancel arrives. */
const ENDLESS_RENDER = ['pending', ...Array(58).fill('processing'), 'completed'];

/**
 * The host request coordinator ext-tasks needs for V2 task traffic (`rawDispatch`): it owns its
 * request ids and matches their responses on the Client's transport. Install before connect().
 * Returns { dispatch, close }: dispatch(request, { signal, context }) resolves the
 * ext-tasks JsonRpcResponse ({kind: "result", result} or {kind: "error", error}).
 */
function rawCoordinator(transport) {
  const pending = new Map();
  let nextId = 1;

  // Responses to our ids stop here; every other message goes on to the Client's handler.
  let handler;
  const intercept = (message, extra) => {
    if (message && !('method' in message) && pending.has(message.id)) {
      const settle = pending.get(message.id);
      pending.delete(message.id);
      settle.resolve(message.error ? { kind: 'error', error: message.error } : { kind: 'result', result: message.result });
      return undefined;
    }
    return handler?.(message, extra);
  };
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    enumerable: true,
    get: () => (handler ? intercept : undefined),
    set(fn) {
      if (fn !== intercept) handler = fn;
    },
  });

  function dispatch(request, { signal, context } = {}) {
    const id = `ext-tasks-${nextId++}`;
    const timeoutMs = context?.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
      const fail = (error) => {
        if (!pending.delete(id)) return;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => {
        // A request the caller gave up on: tell the server, as the SDK does for its own requests.
        transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id } }).catch(() => {});
        fail(signal.reason ?? new Error('aborted'));
      };
      const timer = setTimeout(() => fail(new Error(`${request.method} (${id}): no answer in ${timeoutMs} ms`)), timeoutMs);
      pending.set(id, {
        resolve: (response) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve(response);
        },
      });
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      transport.send({ jsonrpc: '2.0', id, ...request }).catch(fail);
    });
  }

  return {
    dispatch,
    close() {
      for (const [id, settle] of pending) settle.resolve({ kind: 'error', error: { code: -32000, message: `closed before ${id} was answered` } });
      pending.clear();
    },
  };
}

/**
 * A 2.x Client pinned to 2026-07-28 on the server (flow environment, 500 ms first window) behind
 * the wire tap, and an ext-tasks session over it.
 */
async function connect(t) {
  const world = await setup(t);
  const env = { ...world.flowEnv(), NEMO_TASK_WINDOW_MS: '500' };
  const transport = new StdioClientTransport(tappedServerParams(env, world.tapFile));
  const stderr = collectStderr(transport);
  const coordinator = rawCoordinator(transport);
  const client = new Client(CLIENT_INFO, { capabilities: CLIENT_CAPABILITIES, versionNegotiation: { mode: { pin: MODERN } } });
  // Cleanups run last-registered first: the session, the coordinator's pending requests, the
  // client, then (verbose) the dump.
  world.defer(() => {
    if (!process.env.NEMO_CONFORMANCE_VERBOSE) return;
    process.stderr.write(`--- server stderr ---\n${stderr.text}\n--- wire ---\n`);
    for (const r of readTap(world.tapFile)) process.stderr.write(`${r.pid} ${r.dir} ${r.line}\n`);
  });
  world.defer(() => client.close());
  world.defer(() => coordinator.close());
  await client.connect(transport, REQUEST);

  const session = createTaskSessionFromClient(client, {
    endpointId: 'nemo-video-mcp-conformance',
    rawDispatch: coordinator.dispatch,
    v2RequestFraming: { protocolVersion: MODERN, clientInfo: CLIENT_INFO, clientCapabilities: CLIENT_CAPABILITIES },
  });
  world.defer(() => session.close());
  // From server/discover: without {"io.modelcontextprotocol/tasks": {}} in its capabilities.extensions
  // ext-tasks would see no tasks at all (generation "none", no execution, no cancellation).
  assert.equal(session.capabilities.cancellation, true, `ext-tasks sees task cancellation: ${JSON.stringify(session.capabilities)}`);
  assert.equal(session.capabilities.execution, true, `ext-tasks sees task execution: ${JSON.stringify(session.capabilities)}`);

  // The session process's records (the last process the tap saw; the first is the discover probe).
  const wire = () => {
    const records = readTap(world.tapFile);
    const pid = records.at(-1)?.pid;
    return records.filter((r) => r.pid === pid);
  };
  return { ...world, client, session, wire };
}

/** create_session and one chat turn (through the plain Client) leave an exportable timeline. */
async function editedSession(client, backend) {
  const created = await client.callTool({ name: 'create_session', arguments: { task_name: 'conformance tasks' } }, REQUEST);
  assert.equal(created.isError, false, JSON.stringify(created.content));
  await backend.config(DEFAULT_EDIT_TURN);
  const chat = await client.callTool({ name: 'chat', arguments: { message: 'generate a promo' } }, { timeout: FLOW_REQUEST_TIMEOUT_MS });
  assert.equal(chat.structuredContent?.status, 'completed', JSON.stringify(chat.structuredContent));
}

/** An outcome for a failure message: a failed one with the reason ext-tasks gave (e.g. a schema error). */
function describe(outcome) {
  if (outcome.status !== 'failed') return JSON.stringify(outcome);
  const reasons = [];
  for (let error = outcome.error; error; error = error.cause) {
    if (!reasons.includes(error.message)) reasons.push(error.message);
  }
  return `failed: ${reasons.join('; ')}\nlast task: ${JSON.stringify(outcome.task?.raw)}`;
}

const isResponseTo = (request) => (r) => r.dir === 's2c' && r.message && !('method' in r.message) && r.message.id === request.message.id;
const sentCalls = (records, tool) =>
  records.filter((r) => r.dir === 'c2s' && r.message?.method === 'tools/call' && r.message.params?.name === tool);
const sent = (records, method) => records.filter((r) => r.dir === 'c2s' && r.message?.method === method);
const answer = (records, request) => records.find(isResponseTo(request))?.message;

/** A request as ext-tasks frames it: the 2026-07-28 envelope, and the extension declared on it. */
function assertFramed(request) {
  const meta = request.params?._meta ?? {};
  assert.equal(meta[PROTOCOL_VERSION_META_KEY], MODERN, `${request.method} carries the protocol version`);
  assert.deepEqual(meta[CLIENT_INFO_META_KEY], CLIENT_INFO, `${request.method} carries the client info`);
  assert.deepEqual(meta[CLIENT_CAPABILITIES_META_KEY]?.extensions?.[TASKS], {}, `${request.method} declares ${TASKS}`);
}

test('ext-tasks: a slow export settles through a task to the result a blocking export gives', { timeout: TASK_TEST_TIMEOUT_MS }, async (t) => {
  const { client, session, backend, wire, outputDir } = await connect(t);
  await editedSession(client, backend);
  await backend.config({ render_steps: SLOW_RENDER });

  const execution = await session.callTool('export', {}, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
  assert.equal(execution.kind, 'task', 'a render longer than the first window is handed over to a task');
  const taskId = execution.handle.taskId;
  const events = [];
  const { outcome, lastTask } = await execution.settle({ onEvent: (event) => events.push(event) });
  assert.equal(outcome.status, 'completed', describe(outcome));
  assert.equal(lastTask?.taskId, taskId);
  assert.equal(lastTask?.status, 'completed');

  // The task's result is the CallToolResult of the export: the MP4 on disk.
  const result = resultFromTaskOutcome(outcome);
  assert.equal(result.isError, false, JSON.stringify(result.content));
  const render = result.structuredContent;
  assert.equal(render.status, 'completed', JSON.stringify(render));
  assert.ok(existsSync(render.path), `the MP4 exists at ${render.path}`);
  assert.equal(path.dirname(path.resolve(render.path)), path.resolve(outputDir), 'written into NEMO_OUTPUT_DIR');
  assert.equal(readHead(render.path, 8).subarray(4, 8).toString('latin1'), 'ftyp', 'the file starts with an ftyp box');
  assert.equal(render.size, statSync(render.path).size);
  assert.equal(result.content[0]?.type, 'text');
  assert.ok(result.content[0].text.length > 0, 'the result is explained in text too');

  // The same export as a blocking call (the Client declares no extension, so never a task; the
  // SDK checks this one against the outputSchema): the same CallToolResult shape.
  await backend.config({ render_steps: FAST_RENDER });
  const blocking = await client.callTool({ name: 'export', arguments: {} }, { timeout: FLOW_REQUEST_TIMEOUT_MS });
  assert.equal(blocking.isError, false, JSON.stringify(blocking.content));
  assert.equal(blocking.structuredContent.status, 'completed');
  // ext-tasks hands over the wire result; the Client drops resultType from its own.
  const fields = (object) => Object.keys(object).filter((key) => key !== 'resultType').sort();
  assert.deepEqual(fields(result), fields(blocking), 'same CallToolResult fields');
  assert.deepEqual(fields(render), fields(blocking.structuredContent), 'same structuredContent fields');
  assert.deepEqual(result.content.map((c) => c.type), blocking.content.map((c) => c.type));

  // On the wire: the export call declared the extension and was answered with a CreateTaskResult;
  // ext-tasks then polled tasks/get for that id until it completed with that very result.
  const records = wire();
  const [call, plainCall] = sentCalls(records, 'export');
  assertFramed(call.message);
  const created = answer(records, call)?.result;
  assert.equal(created?.resultType, 'task', JSON.stringify(created));
  assert.equal(created.taskId, taskId);
  assert.equal(created.status, 'working');
  for (const field of ['createdAt', 'lastUpdatedAt']) assert.ok(!Number.isNaN(Date.parse(created[field])), `${field}: ${created[field]}`);
  assert.ok(Number.isInteger(created.ttlMs) && created.ttlMs > 0, `ttlMs: ${created.ttlMs}`);
  assert.ok(Number.isInteger(created.pollIntervalMs) && created.pollIntervalMs > 0, `pollIntervalMs: ${created.pollIntervalMs}`);
  const gets = sent(records, 'tasks/get');
  assert.ok(gets.length >= 1, 'ext-tasks polled tasks/get');
  for (const get of gets) {
    assertFramed(get.message);
    assert.equal(get.message.params.taskId, taskId);
    assert.equal(answer(records, get)?.result?.resultType, 'complete', 'tasks/get answers a complete result');
  }
  const final = answer(records, gets.at(-1)).result;
  assert.equal(final.status, 'completed');
  // The completed task carries the CallToolResult as the call itself would have answered it, with
  // its own resultType (a 2026-07-28 Result must have one; ext-tasks fails the task without it).
  assert.equal(final.result.resultType, 'complete');
  assert.deepEqual(final.result, result, 'the task\'s result is what ext-tasks handed over');
  // The blocking call's own answer, as it crossed the pipe: the very same fields, resultType too.
  const plain = answer(records, plainCall)?.result;
  assert.equal(plain?.resultType, 'complete', 'no task for a call without the extension');
  assert.deepEqual(Object.keys(final.result).sort(), Object.keys(plain).sort(), 'the task\'s result is shaped as the blocking answer');
  assert.ok(events.some((e) => e.type === 'outcome' && e.outcome.status === 'completed'), 'the outcome was reported as an event');
});

test('ext-tasks: a fast tool (credits) settles at once, without a task', { timeout: TASK_TEST_TIMEOUT_MS }, async (t) => {
  const { session, wire } = await connect(t);
  const execution = await session.callTool('credits', {});
  assert.equal(execution.kind, 'immediate');
  const { outcome, lastTask } = await execution.settle();
  assert.equal(outcome.status, 'completed');
  assert.equal(lastTask, undefined, 'no task was ever seen');
  const result = resultFromTaskOutcome(outcome);
  assert.equal(result.isError, false);
  const { message, ...balance } = result.structuredContent;
  assert.deepEqual(balance, { available: 100, frozen: 0, total: 100 });
  assert.match(message, /^Credits: 100 available/);

  // It did declare the extension: the server chose a plain result all the same.
  const records = wire();
  const [call] = sentCalls(records, 'credits');
  assertFramed(call.message);
  assert.equal(answer(records, call)?.result?.resultType, 'complete');
  assert.equal(sent(records, 'tasks/get').length, 0, 'nothing to poll');
});

test('ext-tasks: cancelling a task-backed export cancels the render', { timeout: TASK_TEST_TIMEOUT_MS }, async (t) => {
  const { client, session, backend, wire, outputDir } = await connect(t);
  await editedSession(client, backend);
  await backend.config({ render_steps: ENDLESS_RENDER });

  const execution = await session.callTool('export', {}, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
  assert.equal(execution.kind, 'task');
  const taskId = execution.handle.taskId;
  await execution.cancel();
  const { outcome } = await execution.settle();
  assert.equal(outcome.status, 'cancelled', JSON.stringify(outcome));

  // ext-tasks ends the local execution on the ack (cancellation is cooperative); the server's own
  // view must reach "cancelled" too, through tasks/get of a detached controller.
  const controller = session.task(taskId);
  const deadline = Date.now() + 10_000;
  let view = await controller.snapshot();
  while (view.status === 'working' && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    view = await controller.snapshot();
  }
  assert.equal(view.status, 'cancelled', JSON.stringify(view.raw));

  // The render was cancelled at NemoVideo, and no MP4 was written.
  const requests = (await backend.requests()).map((r) => `${r.method} ${r.path}`);
  assert.ok(requests.some((p) => /^POST \/api\/render\/proxy\/lambda\/[^/]+\/cancel$/.test(p)), `a render cancel: ${requests.join(', ')}`);
  assert.deepEqual(readdirSync(outputDir).filter((f) => f.endsWith('.mp4')), []);

  // On the wire: tasks/cancel for the task, acknowledged with an empty complete result, and no
  // notifications/cancelled (which must not be used for tasks).
  const records = wire();
  const cancels = sent(records, 'tasks/cancel');
  assert.equal(cancels.length, 1);
  assertFramed(cancels[0].message);
  assert.equal(cancels[0].message.params.taskId, taskId);
  const ack = answer(records, cancels[0]);
  assert.equal(ack?.error, undefined, JSON.stringify(ack));
  assert.equal(ack.result.resultType, 'complete');
  assert.equal(sent(records, 'notifications/cancelled').length, 0);
});

test('ext-tasks: tasks/update is acknowledged with an empty result, and the task goes on', { timeout: TASK_TEST_TIMEOUT_MS }, async (t) => {
  const { client, session, backend, wire } = await connect(t);
  await editedSession(client, backend);
  await backend.config({ render_steps: ENDLESS_RENDER });

  const execution = await session.callTool('export', {}, { requestTimeoutMs: REQUEST_TIMEOUT_MS });
  assert.equal(execution.kind, 'task');
  const taskId = execution.handle.taskId;
  const controller = session.task(taskId);
  assert.equal(controller.capabilities.inputResponses, true, 'ext-tasks sends tasks/update to a 2026-07-28 server');
  // No task here ever asks for input, so this key was never issued: "A server SHOULD ignore any
  // inputResponses responses mapped to a key that is not currently outstanding for the task", and
  // "On success, the server MUST acknowledge the request with an empty result."
  await controller.update({ never_issued: { action: 'accept', content: { name: 'Luca' } } });
  const view = await controller.snapshot();
  assert.equal(view.status, 'working', JSON.stringify(view.raw));

  await execution.cancel();
  const { outcome } = await execution.settle();
  assert.equal(outcome.status, 'cancelled', JSON.stringify(outcome));

  // On the wire: one tasks/update for the task, answered with nothing but resultType (and _meta).
  const records = wire();
  const updates = sent(records, 'tasks/update');
  assert.equal(updates.length, 1);
  assertFramed(updates[0].message);
  assert.equal(updates[0].message.params.taskId, taskId);
  const ack = answer(records, updates[0]);
  assert.equal(ack?.error, undefined, JSON.stringify(ack));
  const { _meta, ...fields } = ack.result;
  assert.deepEqual(fields, { resultType: 'complete' });
});
