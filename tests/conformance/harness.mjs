// Shared plumbing for the conformance tests: the fake NemoVideo cloud (nemo-test-backend), fresh
// temporary XDG/HOME directories per test, the environment the server binary runs with, and a
// wire tap that records every JSON-RPC line between an SDK client and the server process.
//
// Binaries come from the environment:
//   NEMO_SERVER_BINARY   the nemo-video-mcp executable under test
//   NEMO_SERVER_COMMAND  instead of it, a JSON array [command, args...] that starts the server, such
//                        as ["npx", "nemo-video-mcp"] or ["qemu-aarch64-static", "/path/to/binary"]
//   NEMO_BACKEND_BINARY  the nemo-test-backend executable
// Without them, the Debug build tree build/conf at the repository root is tried.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, mkdirSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

/** Per-test time budget (ms) for node:test's `timeout` option. */
export const TEST_TIMEOUT_MS = 20_000;
/** Per-request timeout (ms) passed to the SDK clients, well inside the test budget. */
export const REQUEST_TIMEOUT_MS = 10_000;
/** Budget (ms) of a whole-flow test (create_session → upload → chat → state → export). */
export const FLOW_TEST_TIMEOUT_MS = 30_000;
/** Per-request timeout (ms) of the slow calls (chat, export) in a flow test. */
export const FLOW_REQUEST_TIMEOUT_MS = 20_000;

/** The one-line summary the state tool gives for the backend's default 3-track draft. */
export const DEFAULT_DRAFT_SUMMARY =
  'Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) 3. Title: "Urban Dreams" (0-3s)';

/**
 * The next chat turn replies "Done." in 3 partial chunks (a little apart, so the stream is seen
 * as a stream) and sets the session's draft to the default 3-track timeline.
 */
export const DEFAULT_EDIT_TURN = { sse_script: [{ text: 'Done.', edit: 'default', chunks: 3, chunk_delay_ms: 50 }] };

/** A complete, valid 1x1 RGBA PNG (signature, IHDR, IDAT, IEND with correct CRCs). */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Writes a small valid PNG into `dir` and returns its absolute path. */
export function writePng(dir, name = 'conformance-logo.png') {
  const file = path.join(dir, name);
  writeFileSync(file, TINY_PNG);
  return file;
}

/** The first `count` bytes of a file. */
export function readHead(file, count) {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const got = readSync(fd, buffer, 0, count, 0);
    return buffer.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

function binary(envName, fallbacks) {
  const fromEnv = process.env[envName];
  if (fromEnv) {
    const resolved = path.resolve(fromEnv);
    if (!existsSync(resolved)) throw new Error(`${envName}=${fromEnv}: no such file`);
    return resolved;
  }
  const candidates = fallbacks.map((relative) => path.join(repoRoot, relative));
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new Error(`set ${envName} (not found at ${candidates.join(' or ')} either)`);
}

/** The command line that starts the server under test: [command, ...args]. */
export function serverCommand() {
  const command = process.env.NEMO_SERVER_COMMAND;
  if (!command) return [binary('NEMO_SERVER_BINARY', ['build/conf/nemo-video-mcp'])];
  const parsed = JSON.parse(command);
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part) => typeof part === 'string')) {
    throw new Error(`NEMO_SERVER_COMMAND must be a JSON array of strings, not ${command}`);
  }
  return parsed;
}

export function backendBinary() {
  return binary('NEMO_BACKEND_BINARY', ['build/conf/tests/nemo-test-backend', 'build/conf/nemo-test-backend']);
}

/** Rejects after `ms` with a message naming what was being waited for. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * One call to the backend's control API on a connection of its own (no keep-alive: an idle pooled
 * connection would hold up the backend's shutdown). Resolves the parsed JSON answer.
 */
export function controlRequest(port, method, path, body) {
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        timeout: 5000,
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => {
          if (response.statusCode !== 200) {
            reject(new Error(`${method} ${path}: HTTP ${response.statusCode}: ${text}`));
            return;
          }
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(new Error(`${method} ${path}: not JSON: ${text}`));
          }
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${method} ${path}: timed out`)));
    request.on('error', reject);
    request.end(payload);
  });
}

/**
 * Starts nemo-test-backend and waits for its `{"port":N,"cdn_port":M}` line.
 * Returns { port, cdnPort, baseUrl, config(obj), requests(), stop() }. stop() closes its stdin (its
 * exit signal), then escalates to SIGTERM/SIGKILL of that one process if it lingers.
 */
export async function startBackend({ startTimeoutMs = 10_000 } = {}) {
  const child = spawn(backendBinary(), [], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  const lines = createInterface({ input: child.stdout });
  const firstLine = new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('error', reject);
    exited.then(({ code, signal }) =>
      reject(new Error(`nemo-test-backend exited (code ${code}, signal ${signal}) before listening:\n${stderr}`)),
    );
  });
  let ports;
  try {
    ports = JSON.parse(await withTimeout(firstLine, startTimeoutMs, 'nemo-test-backend to print its ports'));
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  // Keep draining stdout so the backend never blocks on a full pipe.
  lines.on('line', () => {});

  const baseUrl = `http://127.0.0.1:${ports.port}`;
  let stopped;
  return {
    port: ports.port,
    cdnPort: ports.cdn_port,
    baseUrl,
    stderr: () => stderr,
    config(settings) {
      return controlRequest(ports.port, 'POST', '/_test/config', settings);
    },
    requests() {
      return controlRequest(ports.port, 'GET', '/_test/requests');
    },
    stop() {
      stopped ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return exited;
        child.stdin.end();
        const outcome = await Promise.race([exited, new Promise((r) => setTimeout(r, 3000, null))]);
        if (outcome) return outcome;
        child.kill('SIGTERM');
        const late = await Promise.race([exited, new Promise((r) => setTimeout(r, 2000, null))]);
        if (late) return late;
        child.kill('SIGKILL');
        return exited;
      })();
      return stopped;
    },
  };
}

/** Fresh HOME / XDG_CONFIG_HOME / XDG_STATE_HOME under one temporary directory. */
export function makeTempDirs(prefix = 'nemo-conformance-') {
  const root = mkdtempSync(path.join(tmpdir(), prefix));
  const dirs = {
    root,
    home: path.join(root, 'home'),
    config: path.join(root, 'config'),
    state: path.join(root, 'state'),
  };
  for (const dir of [dirs.home, dirs.config, dirs.state]) mkdirSync(dir, { recursive: true });
  dirs.remove = () => rmSync(root, { recursive: true, force: true });
  return dirs;
}

/**
 * The environment the server runs with. The SDK stdio transports merge it over their small
 * default set (PATH, HOME, LOGNAME, SHELL, TERM, USER), so HOME here wins over the caller's.
 */
export function serverEnv(backend, dirs, extra = {}) {
  return {
    NEMO_BASE_URL: backend.baseUrl,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.config,
    XDG_STATE_HOME: dirs.state,
    NEMO_LOG_LEVEL: 'debug',
    ...extra,
  };
}

/**
 * StdioServerParameters (identical shape in both SDKs) that start the server behind a wire tap
 * (wiretap.mjs): every line the client writes and every line the server prints is appended, as
 * one JSON record {pid, dir: "c2s"|"s2c", line}, to `tapFile`. The tap starts a new record set
 * per process, so a probe process and the session process can be told apart by pid.
 */
export function tappedServerParams(env, tapFile, { stderr = 'pipe' } = {}) {
  return {
    command: process.execPath,
    args: [path.join(here, 'wiretap.mjs'), tapFile, ...serverCommand()],
    env,
    stderr,
  };
}

/** StdioServerParameters that start the server directly. */
export function serverParams(env, { stderr = 'pipe' } = {}) {
  const [command, ...args] = serverCommand();
  return { command, args, env, stderr };
}

/** The records a wire tap wrote: [{pid, dir, line, message}] (message: the parsed line). */
export function readTap(tapFile) {
  if (!existsSync(tapFile)) return [];
  return readFileSync(tapFile, 'utf8')
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => {
      const record = JSON.parse(l);
      try {
        record.message = JSON.parse(record.line);
      } catch {
        record.message = undefined;
      }
      return record;
    });
}

/** Collects a transport's piped stderr (the server's log) into a string. */
export function collectStderr(transport) {
  const sink = { text: '' };
  const stream = transport.stderr;
  if (stream) {
    stream.on('data', (chunk) => {
      sink.text += chunk.toString('utf8');
    });
  }
  return sink;
}

/**
 * Watches the transport's child process (a private field in both SDKs: `_process`) so a test can
 * tell how it ended. Call after connect(). Resolves { code, signal } on exit.
 */
export function watchExit(transport) {
  const child = transport._process;
  if (!child) throw new Error('transport has no child process (not started?)');
  if (child.exitCode !== null || child.signalCode !== null) {
    return { pid: child.pid, exited: Promise.resolve({ code: child.exitCode, signal: child.signalCode }) };
  }
  return {
    pid: child.pid,
    exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal }))),
  };
}

/**
 * One test's world: a backend, temp dirs, and cleanup that always runs. `t` is the node:test
 * context; cleanups registered with `world.defer(fn)` run before the backend stops.
 */
export async function setup(t) {
  const backend = await startBackend();
  const dirs = makeTempDirs();
  const cleanups = [];
  t.after(async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // best effort: a failed cleanup must not hide the test's own result
      }
    }
    await backend.stop();
    if (!process.env.NEMO_CONFORMANCE_KEEP) dirs.remove();
  });
  return {
    backend,
    dirs,
    env: (extra) => serverEnv(backend, dirs, extra),
    /** Environment for the export flow: videos into a temp folder, the fake render polled fast. */
    flowEnv() {
      const output = path.join(dirs.root, 'videos');
      mkdirSync(output, { recursive: true });
      return serverEnv(backend, dirs, { NEMO_OUTPUT_DIR: output, NEMO_RENDER_POLL_MS: '100' });
    },
    outputDir: path.join(dirs.root, 'videos'),
    tapFile: path.join(dirs.root, 'wire.jsonl'),
    defer: (fn) => cleanups.push(fn),
  };
}

/**
 * Records, in process, every JSON-RPC message a client transport sends and receives: returns an
 * array that fills with {dir: "c2s"|"s2c", message}. Install before client.connect(). Works on the
 * instance only (the transport's class is untouched), so SDK code that checks the class, such as
 * the 2.x client's stdio probe-sibling path, behaves as without it; that probe's own process is not
 * seen here (use the wire tap for that).
 */
export function observe(transport) {
  const log = [];
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    log.push({ dir: 'c2s', message: structuredClone(message) });
    return send(message, options);
  };
  let handler;
  const wrapper = (message, extra) => {
    log.push({ dir: 's2c', message: structuredClone(message) });
    return handler?.(message, extra);
  };
  Object.defineProperty(transport, 'onmessage', {
    configurable: true,
    enumerable: true,
    get() {
      return handler ? wrapper : undefined;
    },
    set(fn) {
      // SDK code may save the handler and assign it back later: never wrap the wrapper.
      if (fn !== wrapper) handler = fn;
    },
  });
  return log;
}

/** The result of the response to the request with `method` in an observe()/readTap() log. */
export function responseTo(log, method) {
  const request = log.find((r) => r.dir === 'c2s' && r.message?.method === method && 'id' in r.message);
  if (!request) return undefined;
  return log.find((r) => r.dir === 's2c' && r.message && !('method' in r.message) && r.message.id === request.message.id)
    ?.message;
}
