// A scripted stand-in for the Anthropic Messages API on loopback, for driving the real Claude
// Code CLI in tests: no model, no network. Every request is recorded; the main conversation
// (a request that offers tools) is answered by the script, one assistant turn per request;
// side requests (titles, summaries, token counts) get a short fixed answer.
// No dependencies: node:http only.
import http from 'node:http';

// The answer to one request of the main conversation: {tool: {name, input}} or {text}.
// script(messages, step, body) → that answer; step counts the assistant turns so far; body is the
// whole request (e.g. body.tools: the tool definitions Claude Code offers at that point).

export async function startFakeMessagesApi(script) {
  const requests = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      let parsed = null;
      try { parsed = body ? JSON.parse(body) : null; } catch { parsed = null; }
      const record = { method: req.method, url: req.url, headers: redactHeaders(req.headers), body: parsed };
      requests.push(record);
      try {
        answer(req, res, parsed, script, record);
      } catch (error) {
        record.error = String(error && error.stack || error);
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(error) } }));
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}

function redactHeaders(headers) {
  const out = { ...headers };
  for (const key of ['x-api-key', 'authorization']) if (out[key]) out[key] = '<redacted>';
  return out;
}

// A request of the main conversation offers the tools; side requests offer none.
export function isMainConversation(body) {
  return Boolean(body && Array.isArray(body.tools) && body.tools.some((t) => t.name === 'ToolSearch' || String(t.name).startsWith('mcp__')));
}

function answer(req, res, body, script, record) {
  const path = req.url.split('?')[0];
  if (req.method === 'POST' && path.endsWith('/count_tokens')) {
    return json(res, 200, { input_tokens: 100 });
  }
  if (req.method !== 'POST' || !path.endsWith('/v1/messages')) {
    return json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `no ${req.method} ${path} here` } });
  }
  let reply;
  if (isMainConversation(body)) {
    const step = body.messages.filter((m) => m.role === 'assistant').length;
    reply = script(body.messages, step, body);
    record.step = step;
  } else {
    reply = { text: 'Video session' };
  }
  record.reply = reply;
  const content = reply.tool
    ? [{ type: 'tool_use', id: `toolu_${String(record.step ?? 0).padStart(2, '0')}_${Math.random().toString(36).slice(2, 10)}`, name: reply.tool.name, input: reply.tool.input }]
    : [{ type: 'text', text: reply.text }];
  const stopReason = reply.tool ? 'tool_use' : 'end_turn';
  const message = {
    id: `msg_${Math.random().toString(36).slice(2, 12)}`,
    type: 'message',
    role: 'assistant',
    model: body?.model ?? 'claude-test',
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: 10, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
  if (!body?.stream) return json(res, 200, message);
  streamMessage(res, message);
}

function json(res, status, value) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': 'req_test' });
  res.end(JSON.stringify(value));
}

// The Messages API's server-sent events for one message, as the SDK reads them.
function streamMessage(res, message) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': 'req_test' });
  const send = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
  send('message_start', { message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } } });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      send('content_block_start', { index, content_block: { type: 'text', text: '' } });
      send('content_block_delta', { index, delta: { type: 'text_delta', text: block.text } });
    } else {
      send('content_block_start', { index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    send('content_block_stop', { index });
  });
  send('message_delta', { delta: { stop_reason: message.stop_reason, stop_sequence: null }, usage: { output_tokens: 10 } });
  send('message_stop', {});
  res.end();
}
