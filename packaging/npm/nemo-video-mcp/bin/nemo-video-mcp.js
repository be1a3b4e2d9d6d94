#!/usr/bin/env node
// The `nemo-video-mcp` command of the npm package (what `npx -y nemo-video-mcp` runs): finds the
// native server that npm installed with this platform's optional package and runs it with this
// process's stdin, stdout and stderr, so the MCP protocol never passes through JavaScript.
// Node cannot exec(), so this process stays as the server's parent: it passes the signals it gets
// on and ends the way the server ended (same exit code, or the same signal).
'use strict';

const { spawn } = require('node:child_process');
const path = require('node:path');

// One package per platform, chosen by npm through its "os"/"cpu"/"libc" fields.
const PLATFORM_PACKAGES = {
  'linux x64': 'nemo-video-mcp-linux-x64',
  'linux arm64': 'nemo-video-mcp-linux-arm64',
};

function fail(message) {
  process.stderr.write(`nemo-video-mcp: ${message}\n`);
  process.exit(1);
}

function isMusl() {
  // glibcVersionRuntime is set only when Node itself runs on glibc.
  const report = process.report && process.report.getReport();
  return process.platform === 'linux' && report && !report.header.glibcVersionRuntime;
}

function findBinary() {
  const platform = `${process.platform} ${process.arch}`;
  const packageName = PLATFORM_PACKAGES[platform];
  const elsewhere = 'see "Platforms" in the README of nemo-video-mcp for what runs where';
  if (!packageName) {
    fail(`there is no nemo-video-mcp binary for ${platform} yet, only for Linux x64 and arm64 (glibc); ` +
      `on Windows, the Linux one runs in WSL 2; ${elsewhere}.`);
  }
  try {
    return path.join(path.dirname(require.resolve(`${packageName}/package.json`)), 'bin', 'nemo-video-mcp');
  } catch {
    // npm skips the platform package on musl ("libc" field); the report is slow, so only asked here.
    if (isMusl()) {
      fail(`the Linux binaries need glibc 2.34 or newer, and this system uses musl; ${elsewhere}.`);
    }
    fail(
      `the package ${packageName}, which holds the binary for ${platform}, is not installed. ` +
        'npm leaves optional dependencies out with --omit=optional or --no-optional: ' +
        `install again without it, or run "npm install ${packageName}".`,
    );
  }
}

const binary = findBinary();
const child = spawn(binary, process.argv.slice(2), { stdio: 'inherit' });

const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
for (const signal of forwarded) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  });
}

child.on('error', (error) => fail(`cannot start ${binary}: ${error.message}`));

child.on('exit', (code, signal) => {
  if (signal) {
    // Die of the same signal, so that our parent sees what the server's parent would have seen.
    for (const name of forwarded) process.removeAllListeners(name);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 1);
});
