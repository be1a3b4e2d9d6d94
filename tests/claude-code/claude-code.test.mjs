// Conformance through the real Claude Code CLI (pinned in tests/clients): Claude Code runs in
// print mode with its Messages API pointed at a scripted stand-in (fake-messages-api.mjs) that
// plays the model: it loads our tools through ToolSearch, then makes a video the way a person's
// agent would (create_session, upload, chat, state, export), carrying the ids it reads. The test
// asserts on what the model was handed back (the tool_result blocks Claude Code sends):
// guidance present, no raw error for a successful upload, ids carried through, an MP4 at the end.
//
//   NEMO_SERVER_BINARY, NEMO_BACKEND_BINARY   the binaries under test (see ../conformance/harness.mjs)
//   CLAUDE_BINARY                             default: ../clients/node_modules/.bin/claude
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startBackend, makeTempDirs, readHead, serverCommand, writePng } from '../conformance/harness.mjs';
import { startFakeMessagesApi } from './fake-messages-api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const claudeBinary = process.env.CLAUDE_BINARY ?? path.join(here, '..', 'clients', 'node_modules', '.bin', 'claude');
const SERVER = 'nemo';
const tool = (name) => `mcp__${SERVER}__${name}`;
const TEST_TIMEOUT_MS = 120_000;

// The tool_result blocks of the last user message, with what the model reads parsed: Claude Code
// hands it a successful result's structuredContent as JSON text, an error's text as is.
function lastToolResults(messages) {
  // Claude Code may add its own nudges after the results (a "system" message), so the results
  // are those of the last user message.
  const last = [...messages].reverse().find((m) => m.role === 'user');
  if (!last || !Array.isArray(last.content)) return [];
  return last.content
    .filter((block) => block.type === 'tool_result')
    .map((block) => {
      const text = typeof block.content === 'string'
        ? block.content
        : (block.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');
      let structured = null;
      try { structured = JSON.parse(text); } catch { structured = null; }
      return { id: block.tool_use_id, isError: block.is_error === true, text, structured };
    });
}

function runClaude({ prompt, home, mcpConfig, apiUrl, cwd }) {
  const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', '--mcp-config', mcpConfig,
    '--strict-mcp-config', '--allowedTools', `mcp__${SERVER}`];
  const child = spawn(claudeBinary, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: home,
      ANTHROPIC_BASE_URL: apiUrl,
      ANTHROPIC_API_KEY: 'sk-ant-test-not-a-real-key',
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const timer = setTimeout(() => child.kill('SIGTERM'), TEST_TIMEOUT_MS - 10_000);
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer);
    const events = stdout.split('\n').filter(Boolean).map((line) => { try { return JSON.parse(line); } catch { return { unparsed: line }; } });
    resolve({ code, events, stderr });
  }));
}

test('Claude Code hands the model guidance, ids and an MP4 through a whole session', { timeout: TEST_TIMEOUT_MS, skip: !existsSync(claudeBinary) && 'run `npm ci` in tests/clients first' }, async (t) => {
  const backend = await startBackend();
  t.after(() => backend.stop());
  const dirs = makeTempDirs('nemo-claude-code-');
  t.after(() => dirs.remove());
  const photo = writePng(dirs.root, 'sneaker.png');
  const outputDir = path.join(dirs.root, 'videos');

  // A generation that outlasts one wait, and a render slower than one wait.
  await backend.config({
    sse_script: [
      { text: 'Generating your promo from the sneaker photo.', chunks: 2 },
      { delay_ms: 2500, heartbeat: true },
      { text: 'Done! Your 10-second promo is ready. Click the Export button to download.', edit: 'default' },
    ],
    render_steps: ['pending', 'rendering', 'rendering', 'completed'],
  });

  // The model, scripted: each step reads the results the previous one got.
  const seen = {};  // tool name → what the model read from it, in order
  const ids = {};
  const script = (messages, step) => {
    for (const result of lastToolResults(messages)) (seen[result.id] ??= result);
    const results = lastToolResults(messages);
    const read = results[0]?.structured ?? {};
    const plan = [
      () => ({ tool: { name: 'ToolSearch', input: { query: `select:${['create_session', 'upload', 'chat', 'state', 'export'].map(tool).join(',')}`, max_results: 10 } } }),
      () => ({ tool: { name: tool('chat'), input: {} } }),  // a mistake the model must be able to correct
      () => ({ tool: { name: tool('create_session'), input: { task_name: 'Sneaker promo' } } }),
      () => { ids.session = read.session_id; return { tool: { name: tool('upload'), input: { paths: [photo] } } }; },
      () => ({ tool: { name: tool('chat'), input: { message: 'make a 10-second promo from my sneaker photo', wait_seconds: 1 } } }),
      () => { ids.turn = read.turn_id; return { tool: { name: tool('chat'), input: { turn_id: read.turn_id, wait_seconds: 30 } } }; },
      () => ({ tool: { name: tool('state'), input: {} } }),
      () => ({ tool: { name: tool('export'), input: { output_dir: outputDir, wait_seconds: 1 } } }),
      () => { ids.render = read.render_id; return { tool: { name: tool('export'), input: { render_id: read.render_id, wait_seconds: 30 } } }; },
      () => ({ text: 'Your video is ready.' }),
    ];
    return (plan[step] ?? plan[plan.length - 1])();
  };
  const api = await startFakeMessagesApi(script);
  t.after(() => api.close());

  const mcpConfig = path.join(dirs.root, 'mcp.json');
  const serverLog = path.join(dirs.root, 'server.log');
  writeFileSync(mcpConfig, JSON.stringify({
    mcpServers: {
      [SERVER]: {
        type: 'stdio',
        command: serverCommand()[0],
        args: serverCommand().slice(1),
        env: { NEMO_BASE_URL: backend.baseUrl, XDG_CONFIG_HOME: dirs.config, XDG_STATE_HOME: dirs.state, NEMO_RENDER_POLL_MS: '1500',
          NEMO_LOG_FILE: serverLog },
      },
    },
  }));

  const run = await runClaude({ prompt: 'Make a 10-second promo video from my sneaker photo.', home: dirs.home, mcpConfig, apiUrl: api.url, cwd: dirs.root });
  const final = run.events.find((event) => event.type === 'result');
  t.diagnostic(`Claude Code asked: ${api.requests.map((r) => `${r.method} ${r.url}${r.step === undefined ? ' (side request)' : ` step ${r.step}`}`).join('; ')}`);
  assert.equal(run.code, 0, `claude exited ${run.code}: ${run.stderr.slice(0, 2000)}`);
  assert.equal(final?.subtype, 'success', JSON.stringify(final));

  // What the model read, step by step, from the requests Claude Code sent the stand-in.
  const main = api.requests.filter((r) => r.step !== undefined);
  const readAt = (step) => {
    const request = main.find((r) => r.step === step);
    assert.ok(request, `Claude Code never came back for step ${step}`);
    const results = lastToolResults(request.body.messages);
    assert.equal(results.length, 1, `step ${step}: ${JSON.stringify(request.body.messages.slice(-2))}`);
    return results[0];
  };

  // Our tools were loaded on request, with our descriptions.
  const loaded = main.find((r) => r.step === 2).body.tools.filter((d) => d.name.startsWith(`mcp__${SERVER}__`));
  assert.deepEqual(loaded.map((d) => d.name).sort(), ['chat', 'create_session', 'export', 'state', 'upload'].map(tool).sort());
  t.diagnostic(`tool definitions carried: ${JSON.stringify(loaded.map(({ name, description, input_schema }) => ({ name, description, input_schema }))).length} bytes`);

  // chat {}: an error the model can act on, in words.
  const mistake = readAt(2);
  assert.equal(mistake.isError, true);
  assert.match(mistake.text, /Give a message for the video editor, or the turn_id of a running turn/);

  const created = readAt(3);
  assert.equal(created.isError, false);
  assert.match(created.structured.session_id, /^sess_/);
  assert.match(created.structured.message, new RegExp(created.structured.session_id));
  assert.match(created.structured.next, /upload/);

  const uploaded = readAt(4);
  assert.equal(uploaded.isError, false, uploaded.text);
  assert.equal(uploaded.structured.session_id, ids.session);
  assert.equal(uploaded.structured.uploaded[0].name, 'sneaker.png');
  assert.doesNotMatch(uploaded.text, /Uploaded 0|error/i);
  assert.match(uploaded.structured.next, /chat/);

  const running = readAt(5);
  assert.equal(running.structured.status, 'running');
  assert.equal(running.structured.reply, undefined, 'a running turn has no reply yet');
  assert.match(running.structured.partial_reply, /Generating your promo/);
  assert.match(running.structured.next, new RegExp(`"turn_id": "${running.structured.turn_id}"`));
  assert.match(running.structured.next, /Never send the message again/);

  const finished = readAt(6);
  assert.equal(finished.structured.status, 'completed');
  assert.equal(finished.structured.turn_id, ids.turn);
  assert.equal(finished.structured.session_id, ids.session);
  assert.match(finished.structured.reply, /^Generating your promo[\s\S]*Call the `export` tool/);
  assert.equal(finished.structured.full_reply, undefined);

  const state = readAt(7);
  assert.equal(state.structured.session_id, ids.session);
  assert.equal(state.structured.exportable, true);
  assert.match(state.structured.next, /export/);

  const rendering = readAt(8);
  assert.ok(['pending', 'rendering', 'downloading'].includes(rendering.structured.status), rendering.text);
  assert.match(rendering.structured.next, new RegExp(`"render_id": "${rendering.structured.render_id}"`));

  const done = readAt(9);
  assert.equal(done.structured.status, 'completed', done.text);
  assert.equal(done.structured.render_id, ids.render);
  assert.ok(done.structured.path.endsWith('.mp4'), done.structured.path);
  assert.equal(readHead(done.structured.path, 8).subarray(4, 8).toString('latin1'), 'ftyp');

  // Every result the model read says what to tell the person.
  for (let step = 2; step <= 9; ++step) {
    const result = readAt(step);
    if (!result.isError) assert.equal(typeof result.structured?.message, 'string', `step ${step}: ${result.text}`);
  }
  assert.equal((await backend.requests()).filter((r) => r.path === '/run_sse').length, 1, 'the turn was sent once');
  // Claude Code names itself "claude-code": the server gives it its longer default wait.
  assert.match(readFileSync(serverLog, 'utf8'), /client: \{[^\n]*"name":"claude-code"/);
});
