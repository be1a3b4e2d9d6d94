// Wire tap: `node wiretap.mjs TAP_FILE COMMAND [ARGS...]` runs COMMAND with this process's stdin,
// stdout and environment passed through byte for byte (stderr inherited), and appends one JSON
// record per newline-delimited line to TAP_FILE:
//   {"pid": <COMMAND's pid>, "dir": "c2s" | "s2c", "line": "<the line, without its newline>"}
// It ends as COMMAND ends (same exit code; a signal is re-raised), closes COMMAND's stdin when its
// own stdin closes, and forwards SIGTERM/SIGINT, so an SDK stdio transport sees the server as if
// it had started it directly. Used by the conformance tests to observe what an official client
// really sends, including on the disposable probe process the 2.x client spawns.

import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

const [tapFile, command, ...args] = process.argv.slice(2);
if (!tapFile || !command) {
  process.stderr.write('usage: node wiretap.mjs TAP_FILE COMMAND [ARGS...]\n');
  process.exit(2);
}

const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] });

function recorder(dir) {
  let pending = '';
  return (chunk) => {
    pending += chunk.toString('utf8');
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline).replace(/\r$/, '');
      pending = pending.slice(newline + 1);
      appendFileSync(tapFile, JSON.stringify({ pid: child.pid, dir, line }) + '\n');
    }
  };
}

const recordIn = recorder('c2s');
const recordOut = recorder('s2c');

process.stdin.on('data', (chunk) => {
  recordIn(chunk);
  if (child.stdin.writable) child.stdin.write(chunk);
});
process.stdin.on('end', () => child.stdin.end());
child.stdin.on('error', () => {}); // the server may exit before reading everything

child.stdout.on('data', (chunk) => {
  recordOut(chunk);
  process.stdout.write(chunk);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (error) => {
  process.stderr.write(`wiretap: cannot start ${command}: ${error.message}\n`);
  process.exit(127);
});

child.on('exit', (code, signal) => {
  const finish = () => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else {
      process.exit(code ?? 1);
    }
  };
  // Let stdout drain to the client before going away.
  if (process.stdout.writableNeedDrain) process.stdout.once('drain', finish);
  else setImmediate(finish);
});
