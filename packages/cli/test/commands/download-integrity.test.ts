// Issue 9, item 4, through the built CLI: an --out folder that cannot be written is refused
// before the export task is created; a download that is not a whole zip archive is exit 6
// with nothing left behind; a .part left by a killed run is cleaned up by the next run; and
// two runs racing to one --out end with exactly one complete file.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32 } from 'node:zlib';
import { CREATE, created, DOWNLOAD, succeeded, TASK, zipFile, type Step } from '../support/scripted-server.js';
import { entries, runCli, scripted, startCli, tempDir, type RunOptions } from '../support/run-cli.js';

const FAST = ['--poll-interval', '20ms'];
const NOBODY = 65534;

/** A one-entry stored zip archive: local header, data, central directory, end record. */
function storedZip(name: string, data: Buffer): Buffer {
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4);
  local.writeUInt32LE(crc32(data), 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc32(data), 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(central.length + nameBuf.length, 12);
  eocd.writeUInt32LE(local.length + nameBuf.length + data.length, 16);
  return Buffer.concat([local, nameBuf, data, central, nameBuf, eocd]);
}

const ZIP = storedZip('containers.csv', Buffer.from('name,image\nweb,nginx:1.27\n'.repeat(20)));

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what}: not seen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const parts = (dir: string) => entries(dir).filter((n) => n.endsWith('.part'));

function expectNoStack(stderr: string) {
  expect(stderr).not.toMatch(/\n\s+at /);
}

/**
 * How to run the CLI so that a 0555 folder really is read-only for it. Root writes there
 * anyway, so under root the child runs as nobody, once it is clear nobody can run it at all
 * (the checkout must be readable by other users). Undefined: no such way here.
 */
async function unprivilegedRun(): Promise<RunOptions | undefined> {
  if (process.getuid?.() !== 0) return {};
  const asNobody = { uid: NOBODY, gid: NOBODY };
  const probe = await runCli(['--version'], asNobody);
  return probe.code === 0 ? asNobody : undefined;
}

/** A temp folder other users can enter, holding a folder nobody but root may write to. */
function readOnlyFolder(): { dir: string; readOnly: string } {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const readOnly = join(dir, 'read-only');
  mkdirSync(readOnly, { mode: 0o555 });
  chmodSync(readOnly, 0o555);
  return { dir, readOnly };
}

describe('an --out folder that cannot be written is refused before anything is sent', () => {
  it('a path that runs through a regular file: exit 2, the file is named, no task created', async () => {
    const server = await scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile(ZIP)] });
    const dir = tempDir();
    writeFileSync(join(dir, 'file.txt'), 'not a folder');
    const out = join(dir, 'file.txt', 'sub', 'out.zip');
    const r = await runCli(['containers', '--endpoint', server.url, ...FAST, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${join(dir, 'file.txt')} is a file, so the folder ${join(dir, 'file.txt', 'sub')}`);
    expect(r.stderr).toContain('Nothing was sent');
    expect(server.received).toHaveLength(0);
    expectNoStack(r.stderr);
  });

  it('a read-only folder: exit 2, names the folder and how to fix it, no task created', async (ctx) => {
    const run = await unprivilegedRun();
    if (!run) ctx.skip('running as root and the CLI cannot run as nobody here: a 0555 folder would not stop root');
    const server = await scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile(ZIP)] });
    const { readOnly } = readOnlyFolder();
    const out = join(readOnly, 'out.zip');

    const r = await runCli(['containers', '--endpoint', server.url, ...FAST, '--out', out], run);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the folder ${readOnly} is not writable by this user (EACCES)`);
    expect(r.stderr).toContain(`chmod u+w ${readOnly}`);
    expect(r.stderr).toContain('Nothing was sent');
    expect(server.received).toHaveLength(0);
    expect(entries(readOnly)).toEqual([]);
    expectNoStack(r.stderr);
  });

  it('missing folders under a read-only one: the read-only folder is named', async (ctx) => {
    const run = await unprivilegedRun();
    if (!run) ctx.skip('running as root and the CLI cannot run as nobody here: a 0555 folder would not stop root');
    const server = await scripted({ [DOWNLOAD]: [zipFile(ZIP)] });
    const { readOnly } = readOnlyFolder();
    const out = join(readOnly, 'new', 'sub', 'out.zip');

    const r = await runCli(['download', 'file-1', '--endpoint', server.url, '--out', out], run);

    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`the folder ${readOnly}, where ${join(readOnly, 'new', 'sub')} would be created,`);
    expect(server.received).toHaveLength(0);
  });

  it('the same user can still save into a folder it may write to (the check is not the obstacle)', async (ctx) => {
    const run = await unprivilegedRun();
    if (!run) ctx.skip('running as root and the CLI cannot run as nobody here');
    const server = await scripted({ [DOWNLOAD]: [zipFile(ZIP)] });
    const { dir } = readOnlyFolder();
    const writable = join(dir, 'writable');
    mkdirSync(writable);
    chmodSync(writable, 0o777);
    const r = await runCli(['download', 'file-1', '--endpoint', server.url, '--out', join(writable, 'out.zip')], run);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(writable, 'out.zip'))).toEqual(ZIP);
  });
});

describe('a download that is not a whole zip archive', () => {
  async function runWith(download: Step) {
    const server = await scripted({
      [CREATE]: [created()],
      [TASK]: [succeeded('task-1', 'file-1')],
      [DOWNLOAD]: [download],
    });
    const dir = tempDir();
    const r = await runCli(['containers', '--endpoint', server.url, ...FAST, '--out', join(dir, 'out.zip')]);
    return { r, dir };
  }

  it('a close-delimited body cut short: exit 6, INCOMPLETE_ZIP, no file and no .part', async () => {
    // No Content-Length, not chunked: the end of the body is the connection closing, so a cut looks like the end.
    const cut = (res: ServerResponse) => {
      res.socket!.end(
        Buffer.concat([
          Buffer.from('HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n'),
          ZIP.subarray(0, ZIP.length - 30),
        ]),
      );
    };
    const { r, dir } = await runWith(cut);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('hss-export: download failed (INCOMPLETE_ZIP)');
    expect(r.stderr).toContain('no file was left');
    expect(r.stderr).toContain('The file is ready on the server. Download it with: hss-export download file-1 --out');
    expect(r.stdout).toBe('');
    expect(entries(dir)).toEqual([]);
    expectNoStack(r.stderr);
  });

  it('PK\\x03\\x04 then garbage, with a matching Content-Length: exit 6, INCOMPLETE_ZIP, nothing left', async () => {
    const garbage = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(4096, 0x61)]);
    const { r, dir } = await runWith(zipFile(garbage));
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('download failed (INCOMPLETE_ZIP)');
    expect(r.stderr).toContain('no end-of-central-directory record');
    expect(entries(dir)).toEqual([]);
  });
});

describe('temporary files', () => {
  /** Sends the first 10 bytes of ZIP (announcing all of it), then nothing until the client goes. */
  const stall = (res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(ZIP.length) });
    res.write(ZIP.subarray(0, 10));
  };

  it('a .part left by a run killed with SIGKILL is removed by the next run to the same --out', async () => {
    const server = await scripted({ [DOWNLOAD]: [stall, zipFile(ZIP)] });
    const dir = tempDir();
    const out = join(dir, 'out.zip');
    const killed = startCli(['download', 'file-1', '--endpoint', server.url, '--out', out]);
    await waitFor(() => parts(dir).length === 1, 'the first run’s .part file');
    killed.child.kill('SIGKILL');
    expect((await killed.result).signal).toBe('SIGKILL');
    // SIGKILL leaves no chance to clean up: this is the leftover.
    expect(parts(dir)).toHaveLength(1);

    const r = await runCli(['download', 'file-1', '--endpoint', server.url, '--out', out]);

    expect(r.code).toBe(0);
    expect(entries(dir)).toEqual(['out.zip']);
    expect(readFileSync(out)).toEqual(ZIP);
  });

  it('two runs racing to one --out: each keeps its .part, exactly one saves the file, the other exits 2', async () => {
    const held: ServerResponse[] = [];
    const hold = (res: ServerResponse) => {
      stall(res);
      held.push(res);
    };
    const server = await scripted({ [DOWNLOAD]: [hold] });
    const dir = tempDir();
    const out = join(dir, 'out.zip');
    const args = ['download', 'file-1', '--endpoint', server.url, '--out', out];

    const first = startCli(args);
    await waitFor(() => parts(dir).length === 1, 'the first run’s .part file');
    // The second run looks for leftovers while the first run's .part exists: it must keep it.
    const second = startCli(args);
    await waitFor(() => parts(dir).length === 2 && held.length === 2, 'both runs’ .part files');
    for (const res of held) res.end(ZIP.subarray(10));
    const results = await Promise.all([first.result, second.result]);

    expect(results.map((r) => r.code).sort()).toEqual([0, 2]);
    const loser = results.find((r) => r.code === 2)!;
    expect(loser.stderr).toContain(`${out} already exists; pass --force`);
    expect(readFileSync(out)).toEqual(ZIP);
    expect(entries(dir)).toEqual(['out.zip']);
  });
});
