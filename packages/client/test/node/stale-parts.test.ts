// Issue 9, item 4: a temporary .part file left by a process that was killed (kill -9, power
// loss) is removed by the next download to the same destination, but a .part that belongs
// to a download still running, in this process or another live one, is never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { type DownloadError, writeStreamToFile } from '../../src/node/write-file-atomic.js';
import { EMPTY_ZIP, ONE_FILE, streamOf } from './zip-fixtures.js';

let dir: string;
const children = new Set<ChildProcess>();
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hss-stale-parts-'));
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await rm(dir, { recursive: true, force: true });
});

/** A stream that sends `first`, then waits for `release()` before sending `rest` and ending. */
function heldStream(first: Buffer, rest: Buffer) {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let step = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (step === 0) controller.enqueue(new Uint8Array(first));
      else if (step === 1) {
        await released;
        controller.enqueue(new Uint8Array(rest));
      } else controller.close();
      step++;
    },
  });
  return { stream, release };
}

function parts(names: string[]): string[] {
  return names.filter((n) => n.endsWith('.part'));
}

/**
 * The temp name this process gives a download of `base`, learnt by watching one: the tests
 * forge leftovers of other processes from it, so they follow the writer's naming scheme.
 */
async function ownPartName(base: string): Promise<{ name: string; tag: string }> {
  const { stream, release } = heldStream(EMPTY_ZIP.subarray(0, 8), EMPTY_ZIP.subarray(8));
  let seen: string[] | undefined;
  await writeStreamToFile(stream, join(dir, base), {
    onProgress: () => {
      if (seen) return;
      seen = [];
      void readdir(dir).then((names) => {
        seen = parts(names);
        release();
      });
    },
  });
  await rm(join(dir, base));
  expect(seen).toHaveLength(1);
  const name = seen![0]!;
  const match = new RegExp(`^\\.${base.replace(/\./g, '\\.')}\\.([0-9a-f]{8})-(\\d+)\\.[0-9a-f]{12}\\.part$`).exec(
    name,
  );
  if (!match) throw new Error(`temp file ${name} does not carry an owner tag and the process id`);
  expect(Number(match[2])).toBe(process.pid);
  return { name, tag: match[1]! };
}

function spawnNode(script: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
  children.add(child);
  return new Promise((resolve, reject) => {
    child.once('spawn', () => resolve(child));
    child.once('error', reject);
  });
}

/** The pid of a process that has exited: what a killed download leaves in its temp name. */
async function deadPid(): Promise<number> {
  const child = await spawnNode('');
  await new Promise((r) => child.once('exit', r));
  children.delete(child);
  return child.pid!;
}

describe('leftover .part files', () => {
  it('the temp file is named after this process', async () => {
    await ownPartName('export.zip');
  });

  it('a .part of a dead process is removed by the next download to that destination', async () => {
    const { tag } = await ownPartName('export.zip');
    const stale = `.export.zip.${tag}-${await deadPid()}.0123456789ab.part`;
    await writeFile(join(dir, stale), 'PK\x03\x04 half a download');

    await writeStreamToFile(streamOf(ONE_FILE.bytes), join(dir, 'export.zip'));

    expect(await readdir(dir)).toEqual(['export.zip']);
  });

  it('is removed even when the next download fails', async () => {
    const { tag } = await ownPartName('export.zip');
    const stale = `.export.zip.${tag}-${await deadPid()}.0123456789ab.part`;
    await writeFile(join(dir, stale), 'PK\x03\x04 half a download');

    const error = await writeStreamToFile(streamOf(Buffer.from('{"error_code":"x"}')), join(dir, 'export.zip')).catch(
      (e: unknown) => e,
    );

    expect((error as DownloadError).code).toBe('NOT_A_ZIP');
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps .part files of live processes, of other hosts or containers, of other destinations and of older versions', async () => {
    const { tag } = await ownPartName('export.zip');
    const live = await spawnNode('process.stdin.resume(); setInterval(() => {}, 1000);');
    const dead = await deadPid();
    const otherTag = tag === '00000000' ? '11111111' : '00000000';
    const keep = [
      `.export.zip.${tag}-${live.pid}.0123456789ab.part`, // another live process on this host
      `.export.zip.${tag}-${process.pid}.0123456789ab.part`, // this process (a concurrent call)
      `.export.zip.${otherTag}-${dead}.0123456789ab.part`, // same pid number, other host or PID namespace
      `.other.zip.${tag}-${dead}.0123456789ab.part`, // another destination
      `.export.zip.x.${tag}-${dead}.0123456789ab.part`, // the destination "export.zip.x"
      '.export.zip.0123456789ab.part', // the old naming scheme, which carries no pid to check
    ];
    for (const name of keep) await writeFile(join(dir, name), 'in progress');

    await writeStreamToFile(streamOf(ONE_FILE.bytes), join(dir, 'export.zip'));

    expect((await readdir(dir)).sort()).toEqual([...keep, 'export.zip'].sort());
  });

  it('two concurrent downloads to one path: each keeps its temp file, exactly one wins', async () => {
    const dest = join(dir, 'export.zip');
    const a = heldStream(ONE_FILE.bytes.subarray(0, 10), ONE_FILE.bytes.subarray(10));
    const b = heldStream(ONE_FILE.bytes.subarray(0, 10), ONE_FILE.bytes.subarray(10));
    const results: Promise<unknown>[] = [];
    // B starts, and looks for leftovers, only once A's temp file holds data.
    const bothStarted = new Promise<void>((resolve) => {
      let bStarted = false;
      results.push(
        writeStreamToFile(a.stream, dest, {
          onProgress: () => {
            if (bStarted) return;
            bStarted = true;
            results.push(writeStreamToFile(b.stream, dest, { onProgress: () => resolve() }));
          },
        }),
      );
    });
    await bothStarted;
    expect(parts(await readdir(dir))).toHaveLength(2);
    a.release();
    b.release();
    const settled = await Promise.allSettled(results);

    expect(settled.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    const failed = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0]!.reason as DownloadError).code).toBe('DESTINATION_EXISTS');
    expect(await readFile(dest)).toEqual(ONE_FILE.bytes);
    expect(await readdir(dir)).toEqual(['export.zip']);
  });
});
