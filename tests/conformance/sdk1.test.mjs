// The 2025-era (initialize handshake) conformance of nemo-video-mcp, driven by the official
// TypeScript client @modelcontextprotocol/sdk 1.x: Client + StdioClientTransport.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { ErrorCode, LATEST_PROTOCOL_VERSION, McpError } from '@modelcontextprotocol/sdk/types.js';

import { routedCommand, wholeFlow } from './flow.mjs';
import {
  FLOW_TEST_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  collectStderr,
  observe,
  responseTo,
  serverParams,
  setup,
  watchExit,
  withTimeout,
} from './harness.mjs';

const CLIENT_INFO = { name: 'nemo-conformance-sdk1', version: '1.0.0' };
const REQUEST = { timeout: REQUEST_TIMEOUT_MS };

/** A connected 1.x client against a fresh backend; closes itself when the test ends. */
async function connect(t, { env: extraEnv, flow = false } = {}) {
  const world = await setup(t);
  const transport = new StdioClientTransport(serverParams(flow ? world.flowEnv() : world.env(extraEnv)));
  const stderr = collectStderr(transport);
  const wire = observe(transport);
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  // Cleanups run last-registered first: close the client, then (verbose) dump what it saw.
  world.defer(() => {
    if (!process.env.NEMO_CONFORMANCE_VERBOSE) return;
    process.stderr.write(`--- server stderr ---\n${stderr.text}\n--- wire ---\n`);
    for (const r of wire) process.stderr.write(`${r.dir} ${JSON.stringify(r.message)}\n`);
  });
  world.defer(() => client.close());
  await client.connect(transport, REQUEST);
  return { ...world, client, transport, stderr, wire };
}

/**
 * The properties a successful result must have: the schema's own `required`, or, when error
 * results are allowed by an `anyOf` of alternatives, the alternative that does not require `error`.
 */
function successRequired(schema) {
  // Every result has `message` (the sentence for the person); what else a success has is the
  // anyOf branch that is not the error's.
  const always = Array.isArray(schema.required) ? schema.required.filter((name) => name !== 'message') : [];
  const branch = schema.anyOf?.find((alternative) => !alternative.required?.includes('error'));
  if (!branch) return always;
  assert.ok(Array.isArray(branch.required), `outputSchema says what a success requires: ${JSON.stringify(schema)}`);
  return [...always, ...branch.required];
}

/** Asserts an McpError with `code`, returning it. */
async function rejectsWithCode(promise, code) {
  let caught;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(caught instanceof McpError, `expected McpError, got ${caught?.constructor?.name}: ${caught?.message}`);
  assert.equal(caught.code, code, `error code (message: ${caught.message})`);
  return caught;
}

test('initialize handshake negotiates the client\'s protocol version', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, wire } = await connect(t);

  const initialize = wire.find((r) => r.dir === 'c2s' && r.message.method === 'initialize');
  assert.ok(initialize, 'the 1.x client sent initialize');
  assert.equal(initialize.message.params.protocolVersion, LATEST_PROTOCOL_VERSION);

  const answer = responseTo(wire, 'initialize');
  assert.ok(answer?.result, `initialize answered with a result: ${JSON.stringify(answer)}`);
  assert.equal(answer.result.protocolVersion, LATEST_PROTOCOL_VERSION, 'the server accepts the client\'s newest version');
  assert.equal(answer.result.resultType, undefined, '2025-era results carry no resultType');
  assert.equal(answer.result._meta, undefined, '2025-era results carry no 2026 _meta envelope');
  assert.ok(
    wire.some((r) => r.dir === 'c2s' && r.message.method === 'notifications/initialized'),
    'the client completed the handshake with notifications/initialized',
  );

  const server = client.getServerVersion();
  assert.equal(server?.name, 'nemo-video-mcp');
  assert.equal(typeof server?.version, 'string');
  const capabilities = client.getServerCapabilities();
  assert.ok(capabilities?.tools, 'tools capability');
  assert.ok(capabilities?.prompts, 'prompts capability');
  assert.equal(typeof client.getInstructions(), 'string');
  assert.ok(client.getInstructions().length > 0, 'instructions are not empty');

  await client.ping(REQUEST);
});

test('tools/list: every tool has title, inputSchema, outputSchema and annotations', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client } = await connect(t);
  const { tools } = await client.listTools(undefined, REQUEST);
  const names = tools.map((tool) => tool.name);
  for (const required of ['create_session', 'credits']) {
    assert.ok(names.includes(required), `tools/list has ${required} (got ${names.join(', ')})`);
  }
  assert.equal(new Set(names).size, names.length, 'tool names are unique');
  for (const tool of tools) {
    assert.equal(typeof tool.title, 'string', `${tool.name}.title`);
    assert.ok(tool.title.length > 0, `${tool.name}.title is not empty`);
    assert.equal(typeof tool.description, 'string', `${tool.name}.description`);
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}.inputSchema.type`);
    assert.equal(tool.outputSchema?.type, 'object', `${tool.name}.outputSchema.type`);
    assert.equal(typeof tool.annotations, 'object', `${tool.name}.annotations`);
    for (const hint of ['readOnlyHint', 'destructiveHint', 'idempotentHint', 'openWorldHint']) {
      assert.equal(typeof tool.annotations[hint], 'boolean', `${tool.name}.annotations.${hint}`);
    }
  }
  const credits = tools.find((tool) => tool.name === 'credits');
  assert.equal(credits.annotations.readOnlyHint, true, 'credits is read-only');
  assert.deepEqual([...successRequired(credits.outputSchema)].sort(), ['available', 'frozen', 'total']);
  const createSession = tools.find((tool) => tool.name === 'create_session');
  assert.ok(successRequired(createSession.outputSchema).includes('session_id'));
  assert.ok(successRequired(createSession.outputSchema).includes('task_id'));
});

test('tools/call credits: structuredContent matches the backend and the outputSchema', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, backend } = await connect(t);
  await client.listTools(undefined, REQUEST); // lets the SDK validate structuredContent against outputSchema
  const progress = [];
  const result = await client.callTool({ name: 'credits', arguments: {} }, undefined, {
    ...REQUEST,
    onprogress: (p) => progress.push(p),
  });
  assert.equal(result.isError, false, `credits failed: ${JSON.stringify(result.content)}`);
  const { message, ...balance } = result.structuredContent;
  assert.deepEqual(balance, { available: 100, frozen: 0, total: 100 });
  assert.match(message, /^Credits: 100 available/, 'the sentence for the person travels with the data');
  assert.equal(result.content[0]?.type, 'text');
  assert.match(result.content[0].text, /100/);
  assert.ok(progress.length >= 1, 'credits reported progress');

  const paths = (await backend.requests()).map((r) => `${r.method} ${r.path}`);
  assert.ok(paths.includes('GET /api/credits/balance/simple'), `backend saw the balance call: ${paths.join(', ')}`);
});

test('tools/call create_session reports progress and returns the session', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, backend, wire } = await connect(t);
  await client.listTools(undefined, REQUEST);
  const progress = [];
  const result = await client.callTool(
    { name: 'create_session', arguments: { language: 'en', task_name: 'conformance sdk1' } },
    undefined,
    { ...REQUEST, onprogress: (p) => progress.push(p) },
  );
  assert.equal(result.isError, false, `create_session failed: ${JSON.stringify(result.content)}`);
  const session = result.structuredContent;
  assert.equal(typeof session.session_id, 'string');
  assert.ok(session.session_id.length > 0);
  assert.equal(typeof session.task_id, 'string');
  assert.equal(session.task_name, 'conformance sdk1');
  assert.equal(session.language, 'en');

  assert.ok(progress.length >= 1, 'at least one notifications/progress reached onprogress');
  for (const p of progress) assert.equal(typeof p.progress, 'number');
  for (let i = 1; i < progress.length; i++) {
    assert.ok(progress[i].progress > progress[i - 1].progress, 'progress increases');
  }
  // The notifications carried the token the client put in the request's _meta.
  const call = wire.find((r) => r.dir === 'c2s' && r.message.method === 'tools/call');
  const token = call.message.params._meta?.progressToken;
  assert.notEqual(token, undefined, 'the SDK sent a progressToken');
  const notes = wire.filter((r) => r.dir === 's2c' && r.message.method === 'notifications/progress');
  assert.ok(notes.length >= 1);
  for (const note of notes) assert.equal(note.message.params.progressToken, token);

  const paths = (await backend.requests()).map((r) => `${r.method} ${r.path}`);
  assert.ok(
    paths.includes('POST /api/tasks/me/with-session/nemo_agent'),
    `backend saw the session creation: ${paths.join(', ')}`,
  );
});

test('prompts/list and prompts/get serve the skill\'s example requests', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client } = await connect(t);
  const { prompts } = await client.listPrompts(undefined, REQUEST);
  assert.ok(prompts.length >= 1, 'at least one prompt');
  for (const prompt of prompts) {
    assert.equal(typeof prompt.name, 'string');
    assert.equal(typeof prompt.description, 'string');
  }
  const first = prompts[0];
  assert.equal(first.name, 'promo-from-photos', 'a name a person picks from a menu');
  assert.deepEqual(first.arguments.map((a) => [a.name, a.required]), [['photos', true], ['description', false]]);
  const got = await client.getPrompt({ name: first.name, arguments: { photos: '~/a.png' } }, REQUEST);
  assert.ok(got.messages.length >= 1, 'the prompt has a message');
  assert.equal(got.messages[0].role, 'user');
  assert.equal(got.messages[0].content.type, 'text');
  assert.match(got.messages[0].content.text, /from my product photos: ~\/a\.png\./);

  await rejectsWithCode(client.getPrompt({ name: 'no-such-prompt' }, REQUEST), ErrorCode.InvalidParams);
});

test('arguments that break a schema are isError results naming the field; unknown tools answer -32602', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client } = await connect(t);
  await client.listTools(undefined, REQUEST);

  // MCP 2025-11-25 (SEP-1303): input validation errors are tool execution errors, so that the
  // model can correct the call; only a malformed call (an unknown tool) is a protocol error.
  const wrongType = await client.callTool({ name: 'create_session', arguments: { task_name: 42 } }, undefined, REQUEST);
  assert.equal(wrongType.isError, true);
  assert.match(wrongType.content[0].text, /`task_name`/);
  assert.match(wrongType.content[0].text, /Expected a text/);
  const unexpected = await client.callTool({ name: 'credits', arguments: { unexpected: true } }, undefined, REQUEST);
  assert.equal(unexpected.isError, true);
  assert.match(unexpected.content[0].text, /`unexpected` is not an argument of credits/);
  const badLanguage = await client.callTool({ name: 'create_session', arguments: { language: 'not a language code' } }, undefined, REQUEST);
  assert.equal(badLanguage.isError, true);
  assert.match(badLanguage.content[0].text, /`language`/);
  await rejectsWithCode(
    client.callTool({ name: 'no_such_tool', arguments: {} }, undefined, REQUEST),
    ErrorCode.InvalidParams,
  );

  const result = await client.callTool({ name: 'credits', arguments: {} }, undefined, REQUEST);
  assert.equal(result.isError, false, 'a good call after the bad ones works');
});

test('a failing backend gives an isError tool result, not a protocol error', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, backend } = await connect(t);
  await client.listTools(undefined, REQUEST); // the SDK now validates structuredContent of credits
  await backend.config({ fail: { credits: { code: 500, http: 500, message: 'conformance outage', times: -1 } } });
  // The 1.x SDK validates any structuredContent, isError or not, against the tool's outputSchema
  // (2.x skips error results): an error result must leave structuredContent out or conform to it.
  let result;
  try {
    result = await client.callTool({ name: 'credits', arguments: {} }, undefined, REQUEST);
  } catch (error) {
    assert.fail(`the 1.x SDK rejected the tool error result (${error.message}); ` +
      'an isError result of a tool with an outputSchema must omit structuredContent or conform to the schema');
  }
  assert.equal(result.isError, true);
  assert.equal(result.content[0]?.type, 'text');
  assert.ok(result.content[0].text.length > 0, 'the error is explained in text');
});

test('close ends the server process on its own (stdin EOF, exit 0)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, transport } = await connect(t);
  const { exited } = watchExit(transport);
  await client.callTool({ name: 'credits', arguments: {} }, undefined, REQUEST);
  const closing = Date.now();
  await client.close();
  // The SDK closes stdin, waits 2 s, then sends SIGTERM: an exit by itself is code 0, no signal.
  const outcome = await withTimeout(exited, 5000, 'the server to exit');
  assert.deepEqual(outcome, { code: 0, signal: null });
  assert.ok(Date.now() - closing < 2000, 'the server exited before the SDK had to signal it');
});

test('an aborted call sends notifications/cancelled; the server stays responsive and exits promptly', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, backend, transport, wire } = await connect(t);
  const { exited } = watchExit(transport);
  await backend.config({ delay_ms: { create_session: 8000 } });
  const abort = new AbortController();
  const pending = client.callTool({ name: 'create_session', arguments: {} }, undefined, {
    ...REQUEST,
    signal: abort.signal,
  });
  // Let the request reach the backend before cancelling it.
  const deadline = Date.now() + 5000;
  while (!(await backend.requests()).some((r) => r.path === '/api/tasks/me/with-session/nemo_agent')) {
    assert.ok(Date.now() < deadline, 'create_session reached the backend');
    await new Promise((r) => setTimeout(r, 50));
  }
  abort.abort('conformance: user cancelled');
  await assert.rejects(pending);
  const call = wire.find((r) => r.dir === 'c2s' && r.message.method === 'tools/call');
  const cancelled = wire.find((r) => r.dir === 'c2s' && r.message.method === 'notifications/cancelled');
  assert.ok(cancelled, 'the SDK sent notifications/cancelled');
  assert.equal(cancelled.message.params.requestId, call.message.id);

  const started = Date.now();
  const credits = await client.callTool({ name: 'credits', arguments: {} }, undefined, REQUEST);
  assert.equal(credits.isError, false);
  assert.ok(Date.now() - started < 2000, 'credits is not stuck behind the cancelled call');

  const closing = Date.now();
  await client.close();
  const outcome = await withTimeout(exited, 5000, 'the server to exit');
  assert.deepEqual(outcome, { code: 0, signal: null }, 'the cancelled call did not hold up the exit');
  assert.ok(Date.now() - closing < 2000, 'the server exited before the SDK had to signal it');
  assert.ok(
    !wire.some((r) => r.dir === 's2c' && r.message.id === call.message.id && !('method' in r.message)),
    'no response to the cancelled request',
  );
});

/** The 1.x client as flow.mjs drives it: callTool(params, resultSchema, options). */
function sdk1(client) {
  return {
    name: '1.x',
    listTools: () => client.listTools(undefined, REQUEST),
    callTool: (params, options) => client.callTool(params, undefined, options),
  };
}

test('whole flow: create_session → upload → chat → state → export, every result valid', { timeout: FLOW_TEST_TIMEOUT_MS }, async (t) => {
  const world = await connect(t, { flow: true });
  const { client, wire } = world;
  await wholeFlow(sdk1(client), { ...world, taskName: 'conformance flow sdk1' }, {
    // The SDK compiled a validator for it (getToolOutputValidator is TS-private, plain JS here).
    checkTool(name) {
      assert.equal(typeof client.getToolOutputValidator(name), 'function', `the SDK validates ${name} results`);
    },
    // In process: progress with the chat call's token came before its response.
    afterChat() {
      const chatCall = wire.find((r) => r.dir === 'c2s' && r.message.method === 'tools/call' && r.message.params.name === 'chat');
      const chatToken = chatCall.message.params._meta?.progressToken;
      const chatResponseAt = wire.findIndex((r) => r.dir === 's2c' && r.message.id === chatCall.message.id && !('method' in r.message));
      const chatNotes = wire.filter(
        (r, i) => r.dir === 's2c' && r.message.method === 'notifications/progress' && r.message.params.progressToken === chatToken && i < chatResponseAt,
      );
      assert.ok(chatNotes.length >= 1, 'progress with the chat call\'s token came before its response');
    },
  });
});

test('chat with a short command ("credits") is answered by that tool, without a chat turn', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const world = await connect(t);
  await routedCommand(sdk1(world.client), world);
});
