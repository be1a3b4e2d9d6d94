// The tool flows both SDK suites run the same way, with the same assertions: the whole flow
// (create_session → upload → chat → state → export) and a chat message routed to another tool.
//
// What differs between the clients comes in as an adapter:
//   {
//     name:      '1.x' | '2.x', for messages,
//     listTools: () => Promise<{ tools }>,
//     callTool:  ({ name, arguments }, { timeout, onprogress? }) => Promise<result>,
//                the SDK's own tools/call; progress notifications reach `onprogress`,
//   }
// and what only one era checks (its own wire records, its SDK's internals) comes in as hooks.

import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import {
  DEFAULT_DRAFT_SUMMARY,
  DEFAULT_EDIT_TURN,
  FLOW_REQUEST_TIMEOUT_MS,
  REQUEST_TIMEOUT_MS,
  readHead,
  writePng,
} from './harness.mjs';

const REQUEST = { timeout: REQUEST_TIMEOUT_MS };

/**
 * tools/call through the SDK, which validates structuredContent against the tool's outputSchema
 * (from the cached tools/list; 1.x also for error results, 2.x only for successful ones): a
 * rejection here is a server bug, reported as such.
 */
export async function callOk(sdk, name, args, options) {
  let result;
  try {
    result = await sdk.callTool({ name, arguments: args }, options);
  } catch (error) {
    assert.fail(`tools/call ${name} ${JSON.stringify(args)} was rejected by the ${sdk.name} SDK: ${error.message}`);
  }
  assert.equal(result.isError, false, `${name} failed: ${JSON.stringify(result.content)} ${JSON.stringify(result.structuredContent)}`);
  assert.equal(typeof result.structuredContent, 'object', `${name} has structuredContent`);
  return result;
}

/**
 * The whole flow against a connected client (started with the flow environment of setup()):
 * every step's result valid, the chat streamed as progress, the MP4 written into outputDir.
 *
 * hooks (all optional):
 *   checkTool(name)  after tools/list, once for each flow tool (it has an outputSchema by then)
 *   afterChat()      once the chat call is answered
 *   afterFlow()      at the end
 */
export async function wholeFlow(sdk, { backend, dirs, outputDir, taskName }, hooks = {}) {
  const { tools } = await sdk.listTools(); // the SDK validates every result below
  for (const name of ['create_session', 'upload', 'chat', 'state', 'export']) {
    assert.ok(tools.some((tool) => tool.name === name && tool.outputSchema), `tools/list has ${name} with an outputSchema`);
    hooks.checkTool?.(name);
  }
  const slow = { timeout: FLOW_REQUEST_TIMEOUT_MS };

  // create_session
  const created = await callOk(sdk, 'create_session', { language: 'en', task_name: taskName }, REQUEST);
  const sessionId = created.structuredContent.session_id;
  assert.equal(typeof sessionId, 'string');

  // upload a small valid PNG
  const png = writePng(dirs.root);
  const uploaded = await callOk(sdk, 'upload', { paths: [png], session_id: sessionId }, slow);
  assert.equal(uploaded.structuredContent.session_id, sessionId);
  assert.deepEqual(uploaded.structuredContent.rejected, [], 'nothing rejected');
  assert.equal(uploaded.structuredContent.uploaded.length, 1, `one file uploaded: ${JSON.stringify(uploaded.structuredContent)}`);

  // chat: one streamed turn that builds the default 3-track draft
  await backend.config(DEFAULT_EDIT_TURN);
  const chatProgress = [];
  const chat = await callOk(
    sdk,
    'chat',
    { message: 'generate a 10-second promo video with a title', session_id: sessionId },
    { ...slow, onprogress: (p) => chatProgress.push(p) },
  );
  assert.equal(chat.structuredContent.status, 'completed', JSON.stringify(chat.structuredContent));
  assert.equal(typeof chat.structuredContent.turn_id, 'string');
  assert.equal(chat.structuredContent.reply, 'Done.', 'the reply once, not the partial chunks plus the final event');
  assert.equal(chat.structuredContent.routed_to, undefined, 'a real chat turn, not a routed command');
  assert.ok(chatProgress.length >= 1, 'at least one progress notification arrived during the chat call');
  assert.ok(
    chatProgress.map((p) => p.message ?? '').join('').includes('Done.'),
    `the streamed chunks were relayed as progress: ${JSON.stringify(chatProgress.map((p) => p.message))}`,
  );
  for (let i = 1; i < chatProgress.length; i++) {
    assert.ok(chatProgress[i].progress > chatProgress[i - 1].progress, 'chat progress increases');
  }
  await hooks.afterChat?.();

  // state
  const state = await callOk(sdk, 'state', {}, REQUEST);
  assert.equal(state.structuredContent.session_id, sessionId, 'state reads the current session');
  assert.equal(state.structuredContent.summary, DEFAULT_DRAFT_SUMMARY);
  assert.equal(state.structuredContent.exportable, true, JSON.stringify(state.structuredContent.not_exportable_reason));

  // export
  const exported = await callOk(sdk, 'export', {}, slow);
  const render = exported.structuredContent;
  assert.equal(render.status, 'completed', JSON.stringify(render));
  assert.equal(typeof render.render_id, 'string');
  assert.equal(typeof render.path, 'string');
  assert.ok(existsSync(render.path), `the MP4 exists at ${render.path}`);
  assert.equal(path.dirname(path.resolve(render.path)), path.resolve(outputDir), 'written into NEMO_OUTPUT_DIR');
  assert.equal(readHead(render.path, 8).subarray(4, 8).toString('latin1'), 'ftyp', 'the file starts with an ftyp box');
  assert.equal(render.size, statSync(render.path).size, 'size is the file\'s size');
  assert.equal(typeof render.duration, 'number');

  const paths = (await backend.requests()).map((r) => `${r.method} ${r.path}`);
  assert.equal(paths.filter((p) => p === 'POST /run_sse').length, 1, `one chat turn: ${paths.join(', ')}`);

  await hooks.afterFlow?.();
}

/** chat "credits" is answered by the credits tool itself: no chat turn reaches the backend. */
export async function routedCommand(sdk, { backend }) {
  await sdk.listTools();
  const result = await callOk(sdk, 'chat', { message: 'credits' }, REQUEST);
  assert.equal(result.structuredContent.routed_to, 'credits', JSON.stringify(result.structuredContent));
  assert.equal(result.structuredContent.status, 'completed');
  assert.deepEqual(result.structuredContent.result, { available: 100, frozen: 0, total: 100 });
  const requests = await backend.requests();
  const paths = requests.map((r) => `${r.method} ${r.path}`);
  assert.ok(!requests.some((r) => r.path === '/run_sse'), `no /run_sse request: ${paths.join(', ')}`);
  assert.ok(paths.includes('GET /api/credits/balance/simple'), `the credits tool ran: ${paths.join(', ')}`);
}
