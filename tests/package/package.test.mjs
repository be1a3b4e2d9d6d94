// The release artifacts that scripts/package.sh writes into dist/, checked the way users get them:
// what the archives, the .deb and the npm tarballs hold, what the binaries link and need, how they
// start (x86_64 from an empty environment, aarch64 under qemu), the npm launcher installed offline,
// and server.json against the MCP Registry's schema. The conformance suite runs against the same
// binaries separately (scripts/test.sh).
//   NEMO_DIST             the dist folder (default: dist at the repository root)
//   NEMO_AARCH64_SYSROOT  arm64 libraries for qemu (default: build/aarch64-sysroot)

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const dist = path.resolve(process.env.NEMO_DIST ?? path.join(root, 'dist'));
const sysroot = path.resolve(process.env.NEMO_AARCH64_SYSROOT ?? path.join(root, 'build', 'aarch64-sysroot'));
// ajv is pinned with the conformance clients (tests/conformance/package-lock.json).
const requireFromConformance = createRequire(path.join(root, 'tests', 'conformance', 'package.json'));

const version = /project\(nemo-video-mcp VERSION ([0-9.]+)/.exec(readFileSync(path.join(root, 'CMakeLists.txt'), 'utf8'))[1];
const skills = readdirSync(path.join(root, 'manifests')).sort();
// The files of a skill folder in the repository, relative to it ("SKILL.md", ".claude-plugin/plugin.json").
const skillFiles = (slug) =>
  readdirSync(path.join(root, 'manifests', slug), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(path.join(root, 'manifests', slug), path.join(entry.parentPath ?? entry.path, entry.name)));
const MAX_BINARY_BYTES = 5 * 1024 * 1024;
// What a portable binary may ask the dynamic loader for: glibc's own libraries.
const GLIBC_LIBRARIES = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|ld-linux-x86-64\.so\.2|ld-linux-aarch64\.so\.1)$/;

const platforms = [
  { arch: 'x86_64', deb: 'amd64', npm: 'x64', run: (binary) => [binary] },
  // qemu-user finds the arm64 loader, glibc and libcurl under -L (binfmt_misc is not needed).
  { arch: 'aarch64', deb: 'arm64', npm: 'arm64', run: (binary) => ['qemu-aarch64-static', '-L', sysroot, binary] },
];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000, ...options });
  if (result.error) throw result.error;
  return result;
}

function tempDir(t, prefix) {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function distFile(name) {
  const file = path.join(dist, name);
  assert.ok(existsSync(file), `${file} exists (run scripts/package.sh)`);
  return file;
}

/** Unpacks the platform's archive; returns the folder it holds. */
function unpackArchive(t, arch) {
  const dir = tempDir(t, `nemo-archive-${arch}-`);
  run('tar', ['-xzf', distFile(`nemo-video-mcp-${version}-linux-${arch}.tar.gz`), '-C', dir]);
  return path.join(dir, `nemo-video-mcp-${version}-linux-${arch}`);
}

/** The glibc version a binary needs: the highest GLIBC_x.y among its symbol version needs. */
function glibcFloor(binary) {
  const needs = run('readelf', ['--version-info', '--wide', binary]).stdout;
  const versions = [...needs.matchAll(/Name: GLIBC_([0-9.]+)/g)].map((m) => m[1].split('.').map(Number));
  versions.sort((a, b) => a[0] - b[0] || a[1] - b[1] || (a[2] ?? 0) - (b[2] ?? 0));
  return versions.at(-1).join('.');
}

/**
 * Starts a server command, sends each request after the answer to the previous one (so that no
 * end of input cancels a call; `notifications/initialized` follows the initialize answer), then
 * closes stdin. Resolves {answers, code, signal, stderr}.
 */
function exchange(argv, requests, { env = {}, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const answers = [];
    let stderr = '';
    let pending = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no answer in ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    const sendNext = () => {
      if (requests[answers.length - 1]?.method === 'initialize') {
        child.stdin.write(JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) + '\n');
      }
      const next = requests[answers.length];
      if (next) child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: answers.length + 1, ...next }) + '\n');
      else child.stdin.end();
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let newline;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const message = JSON.parse(pending.slice(0, newline));
        pending = pending.slice(newline + 1);
        if (message.id !== undefined && !message.method) {
          answers.push(message);
          sendNext();
        }
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ answers, code, signal, stderr });
    });
    sendNext();
  });
}

const INITIALIZE = {
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'package-test', version: '1' } },
};

for (const { arch, deb, run: runOn } of platforms) {
  test(`${arch} archive: the binary, the five skills, README and the notices`, (t) => {
    const dir = unpackArchive(t, arch);
    const entries = run('find', ['.', '-type', 'f'], { cwd: dir }).stdout.trim().split('\n').sort();
    assert.deepEqual(entries, [
      './README.md',
      './THIRD-PARTY-NOTICES.txt',
      './nemo-video-mcp',
      // Each skill folder whole: SKILL.md, its prompts menu and its plugin files (issue 11).
      ...skills.flatMap((slug) => skillFiles(slug).map((file) => `./skills/${slug}/${file}`)),
    ].sort());
    assert.ok(statSync(path.join(dir, 'nemo-video-mcp')).mode & 0o111, 'the binary is executable');
    assert.match(readFileSync(path.join(dir, 'THIRD-PARTY-NOTICES.txt'), 'utf8'), /spdlog[\s\S]*fmt[\s\S]*yaml-cpp/);
  });

  test(`${arch} binary: links only glibc, the .deb asks for the glibc it needs, stripped, under 5 MB`, (t) => {
    const binary = path.join(unpackArchive(t, arch), 'nemo-video-mcp');
    const needed = [...run('readelf', ['--dynamic', binary]).stdout.matchAll(/\(NEEDED\)\s+Shared library: \[(.+)\]/g)]
      .map((m) => m[1]);
    assert.ok(needed.length > 0, 'dynamically linked against glibc');
    for (const library of needed) assert.match(library, GLIBC_LIBRARIES, `${library} is part of glibc`);
    const sections = run('readelf', ['--section-headers', '--wide', binary]).stdout;
    assert.doesNotMatch(sections, /\.symtab|\.debug_info/, 'stripped');
    const size = statSync(binary).size;
    assert.ok(size < MAX_BINARY_BYTES, `${size} bytes`);

    const floor = glibcFloor(binary);
    const depends = run('dpkg-deb', ['--field', distFile(`nemo-video-mcp_${version}_${deb}.deb`), 'Depends']).stdout;
    assert.match(depends, new RegExp(`libc6 \\(>= ${floor.replaceAll('.', '\\.')}\\)`), 'the .deb asks for the glibc the binary needs');
    t.diagnostic(`${arch}: ${size} bytes, needs glibc ${floor}, links ${needed.join(' ')}`);
  });

  test(`${arch} binary: starts and answers initialize and tools/list`, async (t) => {
    const binary = path.join(unpackArchive(t, arch), 'nemo-video-mcp');
    const versionRun = run(runOn(binary)[0], [...runOn(binary).slice(1), '--version'], { env: {} });
    assert.equal(versionRun.status, 0, versionRun.stderr);
    assert.match(versionRun.stdout, new RegExp(version.replaceAll('.', '\\.')));
    // env -i: not even PATH or HOME (start-up reads no file and makes no request).
    const { answers, code } = await exchange(runOn(binary), [INITIALIZE, { method: 'tools/list' }], { env: {} });
    assert.equal(code, 0);
    assert.equal(answers[0].result.serverInfo.name, 'nemo-video-mcp');
    assert.deepEqual(answers[1].result.tools.map((tool) => tool.name).sort(),
      ['chat', 'create_session', 'credits', 'export', 'state', 'upload']);
  });
}

test('x86_64 binary: ldd lists only glibc', (t) => {
  const binary = path.join(unpackArchive(t, 'x86_64'), 'nemo-video-mcp');
  const lines = run('ldd', [binary]).stdout.trim().split('\n').map((line) => line.trim().split(' ')[0]);
  for (const library of lines) {
    assert.match(path.basename(library), /^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|ld-linux-x86-64\.so\.2)$/);
  }
});

test('without libcurl a tool call names the package to install (aarch64 under qemu, glibc only)', async (t) => {
  const binary = path.join(unpackArchive(t, 'aarch64'), 'nemo-video-mcp');
  const home = tempDir(t, 'nemo-nocurl-');
  // The cross compiler's glibc and nothing else: no libcurl.so.4 to be found.
  const { answers } = await exchange(
    ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu', binary],
    [INITIALIZE, { method: 'tools/call', params: { name: 'credits', arguments: {} } }],
    { env: { HOME: home, XDG_CONFIG_HOME: `${home}/config`, XDG_STATE_HOME: `${home}/state`, NEMO_BASE_URL: 'http://127.0.0.1:9' } },
  );
  const result = answers[1].result;
  assert.equal(result.isError, true);
  assert.match(result.content[0].text, /cannot load libcurl[\s\S]*apt-get install libcurl4/);
});

test('.deb: metadata, contents, and the binary it installs runs', (t) => {
  for (const { deb } of platforms) {
    const file = distFile(`nemo-video-mcp_${version}_${deb}.deb`);
    const field = (name) => run('dpkg-deb', ['--field', file, name]).stdout.trim();
    assert.equal(field('Package'), 'nemo-video-mcp');
    assert.equal(field('Version'), version);
    assert.equal(field('Architecture'), deb);
    assert.match(field('Depends'), /libcurl4/);
    const contents = run('dpkg-deb', ['--contents', file]).stdout;
    assert.match(contents, /^-rwxr-xr-x root\/root .* \.\/usr\/bin\/nemo-video-mcp$/m);
    for (const slug of skills) assert.match(contents, new RegExp(`\\./usr/share/nemo-video-mcp/skills/${slug}/SKILL\\.md$`, 'm'));
    assert.match(contents, /\.\/usr\/share\/doc\/nemo-video-mcp\/copyright$/m);
  }
  const dir = tempDir(t, 'nemo-deb-');
  run('dpkg-deb', ['--extract', distFile(`nemo-video-mcp_${version}_amd64.deb`), dir]);
  const extracted = run(path.join(dir, 'usr/bin/nemo-video-mcp'), ['--version'], { env: {} });
  assert.equal(extracted.status, 0, extracted.stderr);
  assert.match(extracted.stdout, new RegExp(version.replaceAll('.', '\\.')));
});

/** package.json of an npm tarball, and its entries as `tar tv` lists them. */
function npmTarball(name) {
  const file = distFile(name);
  const manifest = JSON.parse(run('tar', ['-xzOf', file, 'package/package.json']).stdout);
  const listing = run('tar', ['-tvzf', file]).stdout;
  return { file, manifest, listing };
}

test('npm tarballs: a launcher package and one package per platform, like esbuild', () => {
  const main = npmTarball(`nemo-video-mcp-${version}.tgz`);
  assert.equal(main.manifest.name, 'nemo-video-mcp');
  assert.equal(main.manifest.version, version);
  assert.equal(main.manifest.mcpName, JSON.parse(readFileSync(path.join(root, 'server.json'), 'utf8')).name);
  assert.deepEqual(main.manifest.bin, { 'nemo-video-mcp': 'bin/nemo-video-mcp.js' });
  assert.deepEqual(main.manifest.optionalDependencies, {
    'nemo-video-mcp-linux-arm64': version,
    'nemo-video-mcp-linux-x64': version,
  });
  assert.match(main.listing, /package\/bin\/nemo-video-mcp\.js$/m);
  assert.doesNotMatch(main.listing, /package\/bin\/nemo-video-mcp$/m, 'no binary in the launcher package');

  for (const { npm } of platforms) {
    const platform = npmTarball(`nemo-video-mcp-linux-${npm}-${version}.tgz`);
    assert.equal(platform.manifest.name, `nemo-video-mcp-linux-${npm}`);
    assert.equal(platform.manifest.version, version);
    assert.deepEqual([platform.manifest.os, platform.manifest.cpu, platform.manifest.libc], [['linux'], [npm], ['glibc']]);
    assert.match(platform.listing, /^-rwxr-xr-x .* package\/bin\/nemo-video-mcp$/m, 'the binary keeps its x bit');
  }
});

/** Installs npm tarballs into a fresh prefix without the network; returns the prefix. */
function npmInstall(t, tarballs, extraArgs = []) {
  const prefix = tempDir(t, 'nemo-npm-');
  const result = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', prefix,
    ...extraArgs, ...tarballs.map(distFile)], { env: { ...process.env, npm_config_cache: path.join(prefix, '.npm-cache') } });
  assert.equal(result.status, 0, result.stderr);
  return prefix;
}

test('npm: installed offline, `npx nemo-video-mcp` runs the binary and passes its exit code on', (t) => {
  const prefix = npmInstall(t, [`nemo-video-mcp-${version}.tgz`, `nemo-video-mcp-linux-x64-${version}.tgz`]);
  assert.ok(!existsSync(path.join(prefix, 'node_modules', 'nemo-video-mcp-linux-arm64')), 'the other platform stays out');
  const npx = (...args) => run('npx', ['--offline', '--prefix', prefix, 'nemo-video-mcp', ...args]);
  const ok = npx('--version');
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, new RegExp(version.replaceAll('.', '\\.')));
  const usage = npx('--no-such-flag');
  assert.equal(usage.status, 2, 'the usage error exit code comes through');
  assert.match(usage.stderr, /Try 'nemo-video-mcp --help'/);
});

test('npm launcher: a signal reaches the server, and the launcher ends the way the server did', async (t) => {
  const prefix = npmInstall(t, [`nemo-video-mcp-${version}.tgz`, `nemo-video-mcp-linux-x64-${version}.tgz`]);
  const launcher = spawn(path.join(prefix, 'node_modules', '.bin', 'nemo-video-mcp'), [], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, NEMO_LOG_LEVEL: 'warn', NEMO_BASE_URL: 'http://127.0.0.1:9', HOME: prefix },
  });
  const exited = new Promise((resolve) => launcher.once('exit', (code, signal) => resolve({ code, signal })));
  launcher.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 1, ...INITIALIZE }) + '\n');
  await new Promise((resolve) => launcher.stdout.once('data', resolve));
  // The server is the launcher's only child; its stdout is the launcher's (inherited, no copy).
  const serverPid = Number(readFileSync(`/proc/${launcher.pid}/task/${launcher.pid}/children`, 'utf8').trim());
  assert.ok(serverPid > 0);
  assert.match(readFileSync(`/proc/${serverPid}/cmdline`, 'utf8'), /nemo-video-mcp-linux-x64\/bin\/nemo-video-mcp/);
  launcher.kill('SIGTERM');
  assert.deepEqual(await exited, { code: null, signal: 'SIGTERM' });
  assert.ok(!existsSync(`/proc/${serverPid}/cmdline`) || readFileSync(`/proc/${serverPid}/stat`, 'utf8').split(' ')[2] === 'Z',
    'the server is gone too');
});

test('npm launcher: without the platform package it says what is missing and how to get it', (t) => {
  const prefix = npmInstall(t, [`nemo-video-mcp-${version}.tgz`], ['--omit=optional']);
  const result = run(path.join(prefix, 'node_modules', '.bin', 'nemo-video-mcp'), ['--version']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /the package nemo-video-mcp-linux-x64, which holds the binary for linux x64, is not installed/);
  assert.match(result.stderr, /--omit=optional/);
});

test('npm launcher: on a platform without a binary it says which platforms have one', (t) => {
  const prefix = npmInstall(t, [`nemo-video-mcp-${version}.tgz`], ['--omit=optional']);
  // Node on another platform, as far as the launcher can tell.
  const preload = path.join(prefix, 'as-darwin.cjs');
  writeFileSync(preload, "Object.defineProperty(process, 'platform', { value: 'darwin' });\n");
  const launcher = path.join(prefix, 'node_modules', 'nemo-video-mcp', 'bin', 'nemo-video-mcp.js');
  const result = run(process.execPath, ['--require', preload, launcher, '--version']);
  assert.equal(result.status, 1);
  assert.match(result.stderr, /no nemo-video-mcp binary for darwin x64 yet, only for Linux x64 and arm64 \(glibc\)/);
});

test('server.json is valid against the MCP Registry schema 2025-12-11 and matches the npm package', () => {
  const Ajv = requireFromConformance('ajv').default;
  const addFormats = requireFromConformance('ajv-formats').default;
  // Vendored from modelcontextprotocol/registry (see tests/package/README.md): tests reach no network.
  const schema = JSON.parse(readFileSync(path.join(here, 'server.schema.2025-12-11.json'), 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  const server = JSON.parse(readFileSync(distFile('server.json'), 'utf8'));
  assert.equal(server.$schema, schema.$id);
  assert.ok(validate(server), JSON.stringify(validate.errors, null, 2));
  // The schema is not a formality: a description over 100 characters fails it.
  assert.equal(validate({ ...server, description: 'x'.repeat(101) }), false);

  const main = npmTarball(`nemo-video-mcp-${version}.tgz`).manifest;
  assert.equal(server.version, version);
  const [npmPackage] = server.packages;
  assert.deepEqual([npmPackage.registryType, npmPackage.identifier, npmPackage.version], ['npm', main.name, version]);
  assert.equal(server.name, main.mcpName, 'the registry checks mcpName in package.json against the name');
  const skillArgument = npmPackage.packageArguments.find((a) => a.name === '--skill');
  assert.deepEqual([...skillArgument.choices].sort(), skills);
});
