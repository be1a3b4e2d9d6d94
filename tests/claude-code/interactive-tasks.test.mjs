// The real Claude Code CLI in its INTERACTIVE mode (plain `claude "prompt"`, its terminal UI, not
// `claude -p`), run in a pseudo-terminal, with its Messages API pointed at the scripted stand-in
// (fake-messages-api.mjs). It proves the MCP tasks extension end to end with the client people use:
//   - interactive Claude Code declares io.modelcontextprotocol/tasks in each tools/call's
//     _meta["io.modelcontextprotocol/clientCapabilities"].extensions (print mode does not);
//   - a slow render started by the model's `export` call outlasts the server's first window and is
//     answered with a CreateTaskResult (resultType "task");
//   - Claude Code moves it to the background, polls tasks/get (answered "working" while the render
//     runs), and hands the model the final result in a task notification: status completed, the
//     MP4's path;
//   - the MP4 is on disk and begins with an `ftyp` box.
// The evidence is what cannot be faked by the screen: every JSON-RPC line between Claude Code and
// the server (the wire tap of ../conformance/wiretap.mjs), the requests Claude Code sent the
// stand-in model, and the file. The screen is only kept for diagnostics.
//
// The pseudo-terminal comes from util-linux `script` (package bsdutils, Essential on Debian): no
// native Node module. First-run screens (onboarding, theme, folder trust, API key approval) are
// skipped by a prepared ~/.claude.json in a temporary HOME; permissions by --allowedTools.
//
//   NEMO_SERVER_BINARY, NEMO_BACKEND_BINARY   the binaries under test (see ../conformance/harness.mjs)
//   CLAUDE_BINARY                             default: ../clients/node_modules/.bin/claude
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { startBackend, makeTempDirs, readHead, readTap, serverCommand } from '../conformance/harness.mjs';
import { startFakeMessagesApi } from './fake-messages-api.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const claudeBinary = process.env.CLAUDE_BINARY ?? path.join(here, '..', 'clients', 'node_modules', '.bin', 'claude');
const wiretap = path.join(here, '..', 'conformance', 'wiretap.mjs');
const SERVER = 'nemo';
const tool = (name) => `mcp__${SERVER}__${name}`;
const TASKS = 'io.modelcontextprotocol/tasks';
const CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
const API_KEY = 'sk-ant-test-not-a-real-key';
const TEST_TIMEOUT_MS = 120_000;

// A render of 7 status polls: with the first poll after 1 s, growing by half each time, it completes
// after about 20 s, well past the 5 s first window after which a call becomes a task.
const RENDER_STEPS = ['pending', 'rendering', 'rendering', 'rendering', 'rendering', 'rendering', 'completed'];

const shellQuote = (text) => `'${String(text).replace(/'/g, `'\\''`)}'`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// Resolves null after `ms` without keeping the process alive (the loser of a race).
const timeout = (ms) => new Promise((resolve) => setTimeout(resolve, ms, null).unref());
const stripAnsi = (text) => text.replace(/\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g, '');

// Claude Code in a pseudo-terminal of `columns` x `rows`: `script` gives it a terminal of its own
// (stdin, stdout and stderr on the pty); what it draws is collected, what is typed goes to the pty.
function startInteractiveClaude({ args, env, cwd, columns = 120, rows = 40 }) {
  const command = `stty cols ${columns} rows ${rows} && exec ${[claudeBinary, ...args].map(shellQuote).join(' ')}`;
  const child = spawn('script', ['-q', '-f', '-e', '-c', command, '/dev/null'], {
    cwd,
    env: { ...env, SHELL: '/bin/sh' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  const keep = (chunk) => { screen = (screen + chunk.toString('utf8')).slice(-200_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.stdin.on('error', () => {});  // typing after it ended
  let exit = null;
  const exited = new Promise((resolve) => child.on('close', (code, signal) => { exit = { code, signal }; resolve(exit); }));
  // Claude Code itself: the child of `script` (sh execs it).
  const claudePid = () => {
    try {
      return Number(readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/)[0]) || null;
    } catch {
      return null;
    }
  };
  return {
    type: (text) => { if (!exit) child.stdin.write(text); },
    screen: () => stripAnsi(screen),
    exit: () => exit,
    exited,
    // Ends it: Claude Code first (SIGTERM, then SIGKILL), then `script`; by process id only.
    async stop() {
      if (exit) return exit;
      for (const signal of ['SIGTERM', 'SIGKILL']) {
        const pid = claudePid();
        try { if (pid) process.kill(pid, signal); } catch { /* gone already */ }
        try { child.kill(signal); } catch { /* gone already */ }
        if (await Promise.race([exited, timeout(5000)])) return exit;
      }
      return exit;
    },
  };
}

// The version of the Claude Code package the binary comes from (bin/claude.exe beside its
// package.json), so that it shows no "what's new" screen; undefined when it cannot be told.
function claudeVersion() {
  try {
    return JSON.parse(readFileSync(path.join(path.dirname(realpathSync(claudeBinary)), '..', 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

// Waits until `predicate()` is truthy (checked every 200 ms); fails when `claude` ends first or
// the time is up, with what it showed.
async function waitFor(predicate, ms, what, claude) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = predicate();
    if (value) return value;
    if (claude.exit()) assert.fail(`Claude Code ended (${JSON.stringify(claude.exit())}) before ${what}:\n${claude.screen().slice(-3000)}`);
    if (Date.now() > deadline) assert.fail(`timed out after ${ms} ms waiting for ${what}; the screen:\n${claude.screen().slice(-3000)}`);
    await sleep(200);
  }
}

// The text of every block of a message's content (tool_result blocks included).
function textsOf(message) {
  if (typeof message?.content === 'string') return [message.content];
  const texts = [];
  for (const block of message?.content ?? []) {
    if (block.type === 'text') texts.push(block.text);
    if (block.type === 'tool_result') {
      if (typeof block.content === 'string') texts.push(block.content);
      else for (const inner of block.content ?? []) if (inner.type === 'text') texts.push(inner.text);
    }
  }
  return texts;
}

// The tool_result block for `toolUseId` among the messages, as text.
function toolResultText(messages, toolUseId) {
  for (const message of messages) {
    for (const block of Array.isArray(message.content) ? message.content : []) {
      if (block.type === 'tool_result' && block.tool_use_id === toolUseId) return textsOf({ content: [block] }).join('\n');
    }
  }
  return undefined;
}

// Claude Code's task notification in the last user message: {status, summary, result (parsed)}.
function taskNotification(messages) {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = textsOf(last).find((t) => t.includes('<task-notification>'));
  if (!text) return null;
  const field = (name) => text.match(new RegExp(`<${name}>\\s*([\\s\\S]*?)\\s*</${name}>`))?.[1];
  let result = null;
  try { result = JSON.parse(field('result')); } catch { result = null; }
  return { text, status: field('status'), summary: field('summary'), result };
}

test('interactive Claude Code runs a slow export as an MCP task and hands the model the MP4', {
  timeout: TEST_TIMEOUT_MS,
  skip: !existsSync(claudeBinary) && 'run `bash tests/clients/install.sh` (or `npm ci` in tests/clients) first',
}, async (t) => {
  const started = Date.now();
  // Cleanups, last first: Claude Code (and so the server it started), the stand-in, the backend, files.
  const cleanups = [];
  t.after(async () => { for (const cleanup of cleanups.reverse()) await cleanup(); });
  const backend = await startBackend();
  cleanups.push(() => backend.stop());
  const dirs = makeTempDirs('nemo-claude-interactive-');
  cleanups.push(() => { if (!process.env.NEMO_CLAUDE_KEEP) dirs.remove(); });
  const outputDir = path.join(dirs.root, 'videos');
  const tapFile = path.join(dirs.root, 'wire.jsonl');
  await backend.config({ sse_script: [{ text: 'Done: a 10-second promo.', edit: 'default' }], render_steps: RENDER_STEPS });

  // The model, scripted from what it has seen: load the tools (again if the server was still
  // connecting), make a session and a timeline, export; when the export comes back as a background
  // task, end the turn; when Claude Code notifies the task's end, tell the user.
  let searches = 0;
  const script = (messages, step, body) => {
    const called = messages.filter((m) => m.role === 'assistant').flatMap((m) => m.content ?? [])
      .filter((b) => b.type === 'tool_use').map((b) => b.name);
    const loaded = (body.tools ?? []).some((d) => d.name === tool('export'));
    const notification = taskNotification(messages);
    if (notification) return { text: `Your video is ready: ${notification.result?.path}` };
    if (!loaded && searches < 3 && !called.includes(tool('export'))) {
      searches += 1;
      return { tool: { name: 'ToolSearch', input: { query: `select:${['create_session', 'chat', 'export'].map(tool).join(',')}`, max_results: 10 } } };
    }
    if (!called.includes(tool('create_session'))) return { tool: { name: tool('create_session'), input: { task_name: 'Sneaker promo' } } };
    if (!called.includes(tool('chat'))) return { tool: { name: tool('chat'), input: { message: 'make a 10-second promo', wait_seconds: 30 } } };
    if (!called.includes(tool('export'))) return { tool: { name: tool('export'), input: { output_dir: outputDir } } };
    return { text: 'The video is rendering in the background; I will tell you when it is ready.' };
  };
  const api = await startFakeMessagesApi(script);
  cleanups.push(() => api.close());

  const mcpConfig = path.join(dirs.root, 'mcp.json');
  writeFileSync(mcpConfig, JSON.stringify({
    mcpServers: {
      [SERVER]: {
        type: 'stdio',
        command: process.execPath,
        args: [wiretap, tapFile, ...serverCommand()],
        env: { NEMO_BASE_URL: backend.baseUrl, XDG_CONFIG_HOME: dirs.config, XDG_STATE_HOME: dirs.state,
          NEMO_RENDER_POLL_MS: '1000', NEMO_LOG_FILE: path.join(dirs.root, 'server.log') },
      },
    },
  }));
  // What a person who has used Claude Code here before has: onboarding done, this folder trusted,
  // the API key approved (Claude Code keeps the key's last 20 characters).
  writeFileSync(path.join(dirs.home, '.claude.json'), JSON.stringify({
    hasCompletedOnboarding: true,
    lastOnboardingVersion: claudeVersion(),
    theme: 'dark',
    numStartups: 1,
    customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
    projects: { [dirs.root]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true, allowedTools: [] } },
  }));

  const claude = startInteractiveClaude({
    cwd: dirs.root,
    args: ['Make a 10-second promo video of my sneakers.', '--mcp-config', mcpConfig, '--strict-mcp-config',
      '--allowedTools', `mcp__${SERVER}`, '--permission-mode', 'default'],
    env: {
      PATH: process.env.PATH,
      HOME: dirs.home,
      TERM: 'xterm-256color',
      LANG: 'C.UTF-8',
      ANTHROPIC_BASE_URL: api.url,
      ANTHROPIC_API_KEY: API_KEY,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY: '1',
      CLAUDE_CODE_DISABLE_TERMINAL_TITLE: '1',
    },
  });
  cleanups.push(() => claude.stop());

  const main = () => api.requests.filter((r) => r.step !== undefined);
  // What the model read back from its export call (the first request that carries it).
  const exportResult = () => main().map(({ body: { messages } }) => {
    const use = messages.filter((m) => m.role === 'assistant').flatMap((m) => m.content ?? [])
      .find((b) => b.type === 'tool_use' && b.name === tool('export'));
    return use && toolResultText(messages, use.id);
  }).find((text) => text !== undefined);
  // The model read the task notification and answered it: the whole flow has run. (An export
  // answered at once, not as a task, ends the wait too: the assertions below say what went wrong.)
  const answered = await waitFor(
    () => main().find((r) => r.reply?.text && taskNotification(r.body.messages)) || (/"status":"completed"/.test(exportResult() ?? '') && {}),
    TEST_TIMEOUT_MS - 25_000 - (Date.now() - started), 'the model to be told that the export task ended', claude);
  const flowSeconds = ((Date.now() - started) / 1000).toFixed(1);
  // Done: leave as a person would (the answer is on screen first), else it is ended by stop().
  await sleep(1000);
  claude.type('/exit');
  await sleep(300);
  claude.type('\r');
  const exit = await Promise.race([claude.exited, timeout(10_000)]);
  t.diagnostic(`flow done after ${flowSeconds} s; Claude Code ${exit ? `left on /exit (${JSON.stringify(exit)})` : 'did not leave on /exit'}`);
  t.diagnostic(`Claude Code asked: ${api.requests.map((r) => (r.step === undefined ? 'side request' : `step ${r.step} → ${r.reply?.tool?.name ?? 'text'}`)).join('; ')}`);

  // On the wire: the export call declared the extension and was answered with a task.
  const wire = readTap(tapFile).filter((r) => r.message);
  const exportCall = wire.find((r) => r.dir === 'c2s' && r.message.method === 'tools/call' && r.message.params?.name === 'export');
  assert.ok(exportCall, `no export call on the wire: ${wire.map((r) => r.message.method ?? r.message.id).join(' ')}`);
  const onServer = wire.filter((r) => r.pid === exportCall.pid);
  const answerTo = (request) => onServer.find((r) => r.dir === 's2c' && r.message.method === undefined && r.message.id === request.message.id)?.message;
  assert.equal(exportCall.message.params._meta?.['io.modelcontextprotocol/clientInfo']?.name, 'claude-code');
  assert.ok(exportCall.message.params._meta?.[CAPABILITIES]?.extensions?.[TASKS],
    `the export call did not declare ${TASKS}: ${JSON.stringify(exportCall.message.params._meta)}`);
  for (const call of onServer.filter((r) => r.dir === 'c2s' && r.message.method === 'tools/call')) {
    assert.ok(call.message.params._meta?.[CAPABILITIES]?.extensions?.[TASKS], `${call.message.params.name} did not declare ${TASKS}`);
  }
  const created = answerTo(exportCall)?.result;
  assert.equal(created?.resultType, 'task', JSON.stringify(answerTo(exportCall)));
  assert.equal(created.status, 'working');
  assert.match(created.taskId, /^task_[0-9a-f]+$/);

  // Claude Code polled the task while the render ran, and got the final result from tasks/get.
  const polls = onServer.filter((r) => r.dir === 'c2s' && r.message.method === 'tasks/get');
  assert.ok(polls.length >= 2, `tasks/get was called ${polls.length} times`);
  const answers = polls.map((poll) => {
    assert.equal(poll.message.params.taskId, created.taskId);
    assert.ok(poll.message.params._meta?.[CAPABILITIES]?.extensions?.[TASKS], 'tasks/get without the extension');
    return answerTo(poll)?.result;
  });
  assert.ok(answers.some((a) => a?.status === 'working'), `never polled while working: ${JSON.stringify(answers.map((a) => a?.status))}`);
  const final = answers.find((a) => a?.status === 'completed');
  assert.ok(final, `no tasks/get answered completed: ${JSON.stringify(answers.map((a) => a?.status))}`);
  const rendered = final.result?.structuredContent;
  assert.equal(final.result.isError, false, JSON.stringify(final.result));
  assert.equal(rendered?.status, 'completed', JSON.stringify(final.result));
  assert.ok(rendered.path.startsWith(outputDir) && rendered.path.endsWith('.mp4'), rendered.path);

  // What the model read: first the hand-over to the background (not a result), then the result.
  assert.equal(main().filter((r) => r.reply?.tool?.name === tool('export')).length, 1, 'export was called once');
  const handOver = exportResult();
  assert.ok(handOver?.includes(created.taskId), `the export tool_result does not name the task: ${handOver}`);
  assert.doesNotMatch(handOver, /"status":"completed"/);
  const notification = taskNotification(answered.body?.messages ?? []);
  assert.ok(notification, 'the model was never told that the task ended');
  assert.equal(notification.status, 'completed', notification.text);
  assert.ok(notification.summary.includes(created.taskId), notification.summary);
  assert.equal(notification.result?.status, 'completed', notification.text);
  assert.equal(notification.result.path, rendered.path);
  assert.equal(notification.result.render_id, rendered.render_id);
  assert.match(notification.result.message, /ready/);

  // The MP4 is on disk.
  assert.equal(readHead(rendered.path, 8).subarray(4, 8).toString('latin1'), 'ftyp');
  assert.equal(readFileSync(rendered.path).length, rendered.size);
});
