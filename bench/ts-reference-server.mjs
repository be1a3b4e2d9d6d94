// A minimal MCP stdio server made with the official TypeScript SDK (McpServer + StdioServerTransport,
// one tool), which protocol_bench measures side by side with nemo-video-mcp.
//
// With NEMO_TS_TOOLS_LIST=<file holding a JSON array of tools>, tools/list answers that array
// instead (the echo tool still works), so that both servers can be timed on the same payload.
//
// The SDK is loaded from NEMO_NODE_MODULES (default: ../tests/conformance/node_modules next to
// this file) by absolute file URL, because ES modules ignore NODE_PATH.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = process.env.NEMO_NODE_MODULES || join(here, '..', 'tests', 'conformance', 'node_modules');

// The ES module entry of a package ("exports"["."].import, else "module", else "main").
function esmEntry(pkg) {
  const dir = join(nodeModules, pkg);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  let entry = manifest.exports?.['.'];
  if (entry && typeof entry === 'object') entry = entry.import ?? entry.default;
  if (entry && typeof entry === 'object') entry = entry.default;
  entry = typeof entry === 'string' ? entry : manifest.module || manifest.main || 'index.js';
  return pathToFileURL(join(dir, entry)).href;
}

const sdk = join(nodeModules, '@modelcontextprotocol', 'sdk', 'dist', 'esm');
if (!existsSync(sdk)) {
  process.stderr.write(`ts-reference-server: no @modelcontextprotocol/sdk under ${nodeModules}\n`);
  process.exit(3);
}
const { McpServer } = await import(pathToFileURL(join(sdk, 'server', 'mcp.js')).href);
const { StdioServerTransport } = await import(pathToFileURL(join(sdk, 'server', 'stdio.js')).href);
const { z } = await import(esmEntry('zod'));

const server = new McpServer({ name: 'ts-reference-server', version: '1.0.0' });
server.registerTool(
  'echo',
  {
    title: 'Echo',
    description: 'Answers with the text it was given.',
    inputSchema: { text: z.string().describe('what to say back') },
  },
  async ({ text }) => ({ content: [{ type: 'text', text }] }),
);

if (process.env.NEMO_TS_TOOLS_LIST) {
  const tools = JSON.parse(readFileSync(process.env.NEMO_TS_TOOLS_LIST, 'utf8'));
  const { ListToolsRequestSchema } = await import(pathToFileURL(join(sdk, 'types.js')).href);
  server.server.removeRequestHandler('tools/list');
  server.server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
}

await server.connect(new StdioServerTransport());
