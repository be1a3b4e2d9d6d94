// Drives the real nemo-video-mcp binary through a whole session, as an agent would, and prints
// what an agent would show a person. Plain JSON-RPC over stdio, no dependencies: node demo.mjs
// <server binary> <backend url> <sample image>. Exits non-zero if any step fails.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const [serverBinary, baseUrl, sampleImage] = process.argv.slice(2);
const server = spawn(serverBinary, [], {
  env: { ...process.env, NEMO_BASE_URL: baseUrl, NEMO_LOG_LEVEL: process.env.NEMO_LOG_LEVEL ?? 'warn' },
  stdio: ['pipe', 'pipe', 'inherit'],
});
const pending = new Map();
let nextId = 1;
createInterface({ input: server.stdout }).on('line', (line) => {
  const message = JSON.parse(line);
  if (message.method === 'notifications/progress') {
    const { message: text, progress, total } = message.params;
    process.stdout.write(`    … ${text}${total ? ` (${Math.round(progress)}%)` : ''}\n`);
  } else if (message.id !== undefined && pending.has(message.id)) {
    pending.get(message.id)(message);
    pending.delete(message.id);
  }
});

function request(method, params) {
  const id = nextId++;
  server.stdin.write(JSON.stringify({ jsonrpc: '2.0', id, method, params }) + '\n');
  return new Promise((resolve) => pending.set(id, resolve));
}

async function tool(name, args, say) {
  console.log(`\n> ${say}`);
  console.log(`  [${name} ${JSON.stringify(args)}]`);
  const response = await request('tools/call', { name, arguments: args, _meta: { progressToken: `demo-${name}` } });
  if (response.error) throw new Error(`${name}: ${response.error.message}`);
  const result = response.result;
  console.log(result.content[0].text.split('\n').map((l) => `  ${l}`).join('\n'));
  if (result.isError) throw new Error(`${name} failed`);
  return result.structuredContent;
}

try {
  const init = await request('initialize', {
    protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'nemo-demo', version: '1' },
  });
  server.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
  console.log(`Connected to ${init.result.serverInfo.name} ${init.result.serverInfo.version} (${init.result.serverInfo.title}).`);

  await tool('create_session', { task_name: 'Demo Promo' }, 'Setting things up...');
  await tool('upload', { paths: [sampleImage] }, 'Uploading your image');
  let chat = await tool('chat', { message: 'generate a 10-second promo video with a title' },
    'generate a 10-second promo video with a title');
  while (chat.status === 'running') {
    chat = await tool('chat', { turn_id: chat.turn_id }, 'Still working, waiting for the editor...');
  }
  await tool('state', {}, 'Here is the timeline');
  let exported = await tool('export', {}, 'Exporting the MP4');
  while (exported.status !== 'completed') {
    if (exported.status === 'failed' || exported.status === 'cancelled') throw new Error('export ' + exported.status);
    exported = await tool('export', { render_id: exported.render_id }, 'Still rendering, waiting...');
  }
  console.log(`\nYour video: ${exported.path}`);
  server.stdin.end();
} catch (error) {
  console.error(`demo failed: ${error.message}`);
  server.kill();
  process.exit(1);
}
