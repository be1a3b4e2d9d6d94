// The stateless 2026-07-28 conformance of nemo-video-mcp, driven by the official TypeScript client
// @modelcontextprotocol/client 2.x pinned to that revision:
//
//   new Client(info, { versionNegotiation: { mode: { pin: '2026-07-28' } } })
//   client.connect(new StdioClientTransport({ command, args, env, stderr }))
//
// With the SDK's own StdioClientTransport, connect() spawns the command twice: a short-lived probe
// process that gets `server/discover` (then is reaped), and the session process, which gets no
// handshake at all: its first message is the first real request, carrying the per-request _meta
// envelope. The server runs behind wiretap.mjs so the tests can read what really crossed both pipes.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  Client,
  PROTOCOL_VERSION_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

import { routedCommand, wholeFlow } from './flow.mjs';
import {
  FLOW_TEST_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  TEST_TIMEOUT_MS,
  collectStderr,
  readTap,
  setup,
  tappedServerParams,
  watchExit,
  withTimeout,
} from './harness.mjs';

const MODERN = '2026-07-28';
const CLIENT_INFO = { name: 'nemo-conformance-sdk2', version: '1.0.0' };
const REQUEST = { timeout: REQUEST_TIMEOUT_MS };

/** A 2.x client pinned to 2026-07-28 (or in `mode`), connected through the wire tap. */
async function connect(t, { mode = { pin: MODERN }, flow = false } = {}) {
  const world = await setup(t);
  const transport = new StdioClientTransport(tappedServerParams(flow ? world.flowEnv() : world.env(), world.tapFile));
  const stderr = collectStderr(transport);
  const client = new Client(CLIENT_INFO, { versionNegotiation: { mode } });
  // Cleanups run last-registered first: close the client, then (verbose) dump what it saw.
  world.defer(() => {
    if (!process.env.NEMO_CONFORMANCE_VERBOSE) return;
    process.stderr.write(`--- server stderr ---\n${stderr.text}\n--- wire ---\n`);
    for (const r of readTap(world.tapFile)) process.stderr.write(`${r.pid} ${r.dir} ${r.line}\n`);
  });
  world.defer(() => client.close());
  await client.connect(transport, REQUEST);
  return { ...world, client, transport, stderr, wire: () => readTap(world.tapFile) };
}

/** The wire records grouped by server process, in the order the processes first spoke. */
function byProcess(records) {
  const groups = new Map();
  for (const record of records) {
    if (!groups.has(record.pid)) groups.set(record.pid, []);
    groups.get(record.pid).push(record);
  }
  return [...groups.values()];
}

const isRequest = (m) => m && typeof m.method === 'string' && 'id' in m;
const isNotification = (m) => m && typeof m.method === 'string' && !('id' in m);
const isResponse = (m) => m && !('method' in m) && 'id' in m;

async function rejectsWithCode(promise, code) {
  let caught;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  assert.ok(
    caught instanceof ProtocolError,
    `expected ProtocolError, got ${caught?.constructor?.name}: ${caught?.message}`,
  );
  assert.equal(caught.code, code, `error code (message: ${caught.message})`);
  return caught;
}

test('pinned 2026-07-28: discover probe, then stateless requests with _meta', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, backend, wire } = await connect(t);

  assert.equal(client.getProtocolEra(), 'modern');
  assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
  const discovered = client.getDiscoverResult();
  assert.ok(discovered?.supportedVersions.includes(MODERN), 'server/discover offered 2026-07-28');
  assert.equal(client.getServerVersion()?.name, 'nemo-video-mcp');
  assert.ok(client.getServerCapabilities()?.tools, 'tools capability from server/discover');

  // tools/list
  const { tools } = await client.listTools(undefined, REQUEST);
  const names = tools.map((tool) => tool.name);
  for (const required of ['create_session', 'credits']) assert.ok(names.includes(required), `has ${required}`);
  for (const tool of tools) {
    assert.equal(typeof tool.title, 'string', `${tool.name}.title`);
    assert.equal(tool.inputSchema?.type, 'object', `${tool.name}.inputSchema`);
    assert.equal(tool.outputSchema?.type, 'object', `${tool.name}.outputSchema`);
    assert.equal(typeof tool.annotations, 'object', `${tool.name}.annotations`);
  }

  // credits, with progress
  const creditsProgress = [];
  const credits = await client.callTool(
    { name: 'credits', arguments: {} },
    { ...REQUEST, onprogress: (p) => creditsProgress.push(p) },
  );
  assert.equal(credits.isError, false, `credits failed: ${JSON.stringify(credits.content)}`);
  assert.deepEqual({ ...credits.structuredContent, message: undefined }, { available: 100, frozen: 0, total: 100, message: undefined });
  assert.match(credits.structuredContent.message, /^Credits: 100 available/);

  // create_session, with progress
  const progress = [];
  const created = await client.callTool(
    { name: 'create_session', arguments: { language: 'ja', task_name: 'conformance sdk2' } },
    { ...REQUEST, onprogress: (p) => progress.push(p) },
  );
  assert.equal(created.isError, false, `create_session failed: ${JSON.stringify(created.content)}`);
  assert.equal(typeof created.structuredContent.session_id, 'string');
  assert.ok(created.structuredContent.session_id.length > 0);
  assert.equal(typeof created.structuredContent.task_id, 'string');
  assert.equal(created.structuredContent.task_name, 'conformance sdk2');
  assert.equal(created.structuredContent.language, 'ja');
  assert.ok(progress.length >= 1, 'create_session progress reached onprogress');
  assert.ok(creditsProgress.length >= 1, 'credits progress reached onprogress');

  // prompts
  const { prompts } = await client.listPrompts(undefined, REQUEST);
  assert.ok(prompts.length >= 1);
  const withArgument = await client.getPrompt({ name: 'promo-from-photos', arguments: { photos: '~/a.png' } }, REQUEST);
  assert.match(withArgument.messages[0].content.text, /~\/a\.png/);
  const prompt = await client.getPrompt({ name: 'export-mp4' }, REQUEST);
  assert.equal(prompt.messages[0]?.role, 'user');

  const paths = (await backend.requests()).map((r) => `${r.method} ${r.path}`);
  assert.ok(paths.includes('GET /api/credits/balance/simple'));
  assert.ok(paths.includes('POST /api/tasks/me/with-session/nemo_agent'));

  // What crossed the pipes.
  const processes = byProcess(wire());
  assert.equal(processes.length, 2, 'the 2.x stdio client started a probe process and a session process');
  const [probe, session] = processes;

  // Probe process: exactly one server/discover carrying the pinned version in _meta.
  const probeRequests = probe.filter((r) => r.dir === 'c2s').map((r) => r.message);
  assert.equal(probeRequests.length, 1, `probe traffic: ${probe.map((r) => r.line).join('\n')}`);
  assert.equal(probeRequests[0].method, 'server/discover');
  assert.equal(probeRequests[0].params._meta[PROTOCOL_VERSION_META_KEY], MODERN);
  const discoverAnswer = probe.find((r) => r.dir === 's2c' && r.message?.id === probeRequests[0].id)?.message;
  assert.ok(discoverAnswer?.result, `server/discover answered with a result: ${JSON.stringify(discoverAnswer)}`);
  assert.equal(discoverAnswer.result.resultType, 'complete');
  assert.ok(discoverAnswer.result.supportedVersions.includes(MODERN));

  // Session process: no handshake; every request carries the 2026-07-28 _meta envelope, every
  // result has resultType, progress arrives as notifications with the request's token.
  const sent = session.filter((r) => r.dir === 'c2s').map((r) => r.message);
  const received = session.filter((r) => r.dir === 's2c').map((r) => r.message);
  assert.ok(sent.length > 0);
  assert.ok(!sent.some((m) => m.method === 'initialize' || m.method === 'notifications/initialized'),
    'no initialize handshake on 2026-07-28');
  assert.notEqual(sent[0].method, 'server/discover', 'the session process starts with a real request');
  for (const message of sent.filter(isRequest)) {
    assert.equal(message.params?._meta?.[PROTOCOL_VERSION_META_KEY], MODERN,
      `${message.method} carries _meta protocolVersion`);
  }
  const methods = sent.filter(isRequest).map((m) => m.method);
  for (const method of ['tools/list', 'tools/call', 'prompts/list', 'prompts/get']) {
    assert.ok(methods.includes(method), `sent ${method} (sent: ${methods.join(', ')})`);
  }
  const responses = received.filter(isResponse);
  assert.equal(responses.length, sent.filter(isRequest).length, 'every request was answered');
  for (const response of responses) {
    assert.equal(response.error, undefined, `no error answer: ${JSON.stringify(response.error)}`);
    assert.equal(response.result.resultType, 'complete', `result ${response.id} has resultType`);
  }
  const calls = sent.filter((m) => m.method === 'tools/call');
  const notes = received.filter((m) => isNotification(m) && m.method === 'notifications/progress');
  for (const call of calls) {
    const token = call.params._meta?.progressToken;
    assert.notEqual(token, undefined, `${call.params.name} sent a progressToken`);
    assert.ok(notes.some((n) => n.params.progressToken === token), `progress for ${call.params.name}`);
  }
});

test('schema violations are isError results and unknown tools -32602 on 2026-07-28', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client } = await connect(t);
  await client.listTools(undefined, REQUEST);
  const wrongType = await client.callTool({ name: 'create_session', arguments: { task_name: 42 } }, REQUEST);
  assert.equal(wrongType.isError, true);
  assert.match(wrongType.content[0].text, /`task_name`/);
  const unexpected = await client.callTool({ name: 'credits', arguments: { unexpected: true } }, REQUEST);
  assert.equal(unexpected.isError, true);
  assert.match(unexpected.content[0].text, /`unexpected`/);
  await rejectsWithCode(client.callTool({ name: 'no_such_tool', arguments: {} }, REQUEST), ProtocolErrorCode.InvalidParams);
  await rejectsWithCode(client.getPrompt({ name: 'no-such-prompt' }, REQUEST), ProtocolErrorCode.InvalidParams);
  const result = await client.callTool({ name: 'credits', arguments: {} }, REQUEST);
  assert.equal(result.isError, false, 'a good call after the bad ones works');
});

test('a failing backend gives an isError tool result on 2026-07-28', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, backend } = await connect(t);
  await client.listTools(undefined, REQUEST);
  await backend.config({ fail: { credits: { code: 500, http: 500, message: 'conformance outage', times: -1 } } });
  const result = await client.callTool({ name: 'credits', arguments: {} }, REQUEST);
  assert.equal(result.isError, true);
  assert.ok(result.content[0]?.text?.length > 0, 'the error is explained in text');
});

test('auto negotiation also selects 2026-07-28', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, wire } = await connect(t, { mode: 'auto' });
  assert.equal(client.getProtocolEra(), 'modern');
  assert.equal(client.getNegotiatedProtocolVersion(), MODERN);
  const result = await client.callTool({ name: 'credits', arguments: {} }, REQUEST);
  assert.deepEqual({ ...result.structuredContent, message: undefined }, { available: 100, frozen: 0, total: 100, message: undefined });
  const sent = wire().filter((r) => r.dir === 'c2s').map((r) => r.message);
  assert.ok(!sent.some((m) => m.method === 'initialize'), 'no fallback to initialize');
});

test('close ends the session process on its own (stdin EOF, exit 0)', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const { client, transport } = await connect(t);
  const { exited } = watchExit(transport);
  await client.callTool({ name: 'credits', arguments: {} }, REQUEST);
  const closing = Date.now();
  await client.close();
  const outcome = await withTimeout(exited, 5000, 'the server to exit');
  assert.deepEqual(outcome, { code: 0, signal: null });
  assert.ok(Date.now() - closing < 2000, 'the server exited before the SDK had to signal it');
});

/** The 2.x client as flow.mjs drives it: callTool(params, options). */
function sdk2(client) {
  return {
    name: '2.x',
    listTools: () => client.listTools(undefined, REQUEST),
    callTool: (params, options) => client.callTool(params, options),
  };
}

test('whole flow on 2026-07-28: create_session → upload → chat → state → export, every result valid', { timeout: FLOW_TEST_TIMEOUT_MS }, async (t) => {
  const world = await connect(t, { flow: true });
  const { wire } = world;
  await wholeFlow(sdk2(world.client), { ...world, taskName: 'conformance flow sdk2' }, {
    // On the wire: the chat call's progress (its own token) came before its response, and every
    // response in the session process is a complete 2026-07-28 result.
    afterFlow() {
      const session = byProcess(wire()).at(-1);
      const chatCall = session.find((r) => r.dir === 'c2s' && r.message?.method === 'tools/call' && r.message.params.name === 'chat');
      assert.ok(chatCall, 'the chat call is on the wire');
      const chatToken = chatCall.message.params._meta?.progressToken;
      assert.notEqual(chatToken, undefined, 'the chat call sent a progressToken');
      const responseAt = session.findIndex((r) => r.dir === 's2c' && isResponse(r.message) && r.message.id === chatCall.message.id);
      assert.ok(responseAt >= 0, 'the chat call was answered');
      assert.ok(
        session.some((r, i) => i < responseAt && r.dir === 's2c' && isNotification(r.message) &&
          r.message.method === 'notifications/progress' && r.message.params.progressToken === chatToken),
        'progress with the chat call\'s token came before its response',
      );
      for (const record of session.filter((r) => r.dir === 's2c' && isResponse(r.message))) {
        assert.equal(record.message.error, undefined, `no error answer: ${record.line}`);
        assert.equal(record.message.result.resultType, 'complete', `result ${record.message.id} has resultType`);
      }
    },
  });
});

test('chat with a short command ("credits") is answered by that tool on 2026-07-28, without a chat turn', { timeout: TEST_TIMEOUT_MS }, async (t) => {
  const world = await connect(t);
  await routedCommand(sdk2(world.client), world);
});
