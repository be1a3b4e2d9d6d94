// What a model pays for our tools: the bytes of the tool definitions it carries on every request
// (as Claude Code sends them: name, description, input_schema of each tool), and the number of
// model turns a standard session takes (create_session, upload, generate, state, export, with a
// render slower than one default wait). No dependencies: JSON-RPC over the server's stdio.
//
//   node bench/model_session.mjs --server PATH --backend PATH [--client NAME] [--definitions-only]
//
// --client is the clientInfo.name the server is told (claude-code, claude-ai, cursor-vscode...).
// The session's agent is scripted the way a model follows the results: it continues a running
// turn with its turn_id and a running render with its render_id until each is done.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import http from 'node:http';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : fallback;
};
const serverPath = option('server', process.env.NEMO_SERVER_BINARY);
const backendPath = option('backend', process.env.NEMO_BACKEND_BINARY);
const clientName = option('client', 'claude-code');
const definitionsOnly = args.includes('--definitions-only');
if (!serverPath || (!definitionsOnly && !backendPath)) {
  console.error('usage: node bench/model_session.mjs --server PATH --backend PATH [--client NAME] [--definitions-only]');
  process.exit(2);
}

function startProcess(file, argv, env) {
  const child = spawn(file, argv, { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  return { child, lines };
}

// A JSON-RPC client over the server's stdio: request(method, params) → result or error.
function rpc(server) {
  let nextId = 1;
  const waiting = new Map();
  server.lines.on('line', (line) => {
    const message = JSON.parse(line);
    if (message.id !== undefined && waiting.has(message.id)) {
      waiting.get(message.id)(message);
      waiting.delete(message.id);
    }
  });
  return (method, params = {}) => new Promise((resolve) => {
    const id = nextId++;
    waiting.set(id, resolve);
    server.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
  });
}

function control(port, method, route, body) {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method, path: route, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve(text ? JSON.parse(text) : null));
    });
    request.on('error', reject);
    request.end(body ? JSON.stringify(body) : undefined);
  });
}

const home = mkdtempSync(path.join(tmpdir(), 'nemo-bench-session-'));
const cleanups = [() => rmSync(home, { recursive: true, force: true })];
let backendPort = 9;
if (!definitionsOnly) {
  const backend = startProcess(backendPath, [], {});
  cleanups.push(() => backend.child.kill());
  backendPort = JSON.parse(await new Promise((resolve) => backend.lines.once('line', resolve))).port;
}
const server = startProcess(serverPath, [], {
  HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_STATE_HOME: path.join(home, 'state'),
  NEMO_OUTPUT_DIR: path.join(home, 'videos'), NEMO_BASE_URL: `http://127.0.0.1:${backendPort}`, NEMO_LOG_LEVEL: 'warn',
});
cleanups.push(() => server.child.stdin.end());
const request = rpc(server);
await request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: clientName, version: '1.0.0' } });
server.child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');

// 1. The tool definitions, as Claude Code puts them in every request once loaded.
const { tools } = (await request('tools/list')).result;
const definitions = tools.map((t) => ({ name: `mcp__nemo__${t.name}`, description: t.description, input_schema: t.inputSchema }));
const perTool = definitions.map((d) => [d.name.replace('mcp__nemo__', ''), Buffer.byteLength(JSON.stringify(d))]);
const totalBytes = perTool.reduce((sum, [, bytes]) => sum + bytes, 0);
console.log('| tool | definition bytes |\n|---|---|');
for (const [name, bytes] of perTool) console.log(`| ${name} | ${bytes} |`);
console.log(`| all ${tools.length} | ${totalBytes} |`);

if (!definitionsOnly) {
  // 2. A standard session. The render needs 7 status polls: about 62 s with the server's
  // polling (3 s, growing by half), more than one default wait of 45 s.
  await control(backendPort, 'POST', '/_test/config', {
    render_steps: ['pending', 'queued', 'processing', 'rendering', 'rendering', 'rendering', 'completed'],
    sse_script: [{ text: 'Generating your promo.', chunks: 2 }, { delay_ms: 20000, heartbeat: true },
      { text: 'Done: a 10-second promo with a title.', edit: 'default' }],
  });
  const photo = path.join(home, 'photo.png');
  writeFileSync(photo, Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
  const calls = [];
  const call = async (name, argumentsObject) => {
    const started = Date.now();
    const response = await request('tools/call', { name, arguments: argumentsObject });
    const structured = response.result?.structuredContent ?? {};
    calls.push({ name, seconds: (Date.now() - started) / 1000, status: structured.status ?? (response.result?.isError ? 'error' : 'ok') });
    return structured;
  };
  const started = Date.now();
  await call('create_session', { task_name: 'Bench promo' });
  await call('upload', { paths: [photo] });
  let chat = await call('chat', { message: 'generate a 10-second promo from my photo' });
  while (chat.status === 'running') chat = await call('chat', { turn_id: chat.turn_id });
  await call('state', {});
  let render = await call('export', {});
  while (['pending', 'rendering', 'downloading'].includes(render.status)) render = await call('export', { render_id: render.render_id });
  const turns = calls.length + 1;  // each call is one model turn, and one more to tell the person
  console.log(`\nclient ${clientName}: ${calls.length} tool calls, ${turns} model turns, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  for (const c of calls) console.log(`  ${c.name} → ${c.status} (${c.seconds.toFixed(1)} s)`);
  if (render.status !== 'completed') console.log(`  the export ended as ${render.status}`);
}
for (const cleanup of cleanups.reverse()) cleanup();
