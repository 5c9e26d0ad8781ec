// 4. Download memory: a 50 MB zip-like file from a local server to disk, each download in a
// fresh child process; peak RSS growth over that child's idle (post-GC) RSS.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clientProvenance } from './scratch.mjs';
import { startDownloadServer } from './servers.mjs';
import { interleave, median, row } from './stats.mjs';

export const id = 'download-memory';
export const title = 'Download memory (file to disk through the download helper, fresh child process per download)';

const CHILD = fileURLToPath(new URL('./download-child.mjs', import.meta.url));
const MB = 2 ** 20;

function runChild(mode, endpoint, destination, fileId) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, mode, endpoint, destination, fileId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    // A stuck download must not hang the benchmark (or leave the child behind).
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`download child (${mode}) exited with ${code ?? signal}:\n${err}${out}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (error) {
        reject(new Error(`download child (${mode}) printed no result: ${out}\n${err}`, { cause: error }));
      }
    });
  });
}

/**
 * @param {{ runs?: number, sizeMB?: number, largeFactor?: number }} [options] `largeFactor`:
 *   the client also downloads a file this many times larger, to show whether growth scales
 *   with the file (buffering) or not (constant memory).
 */
export async function run({ runs = 5, sizeMB = 50, largeFactor = 4 } = {}) {
  const size = Math.round(sizeMB * MB);
  const server = await startDownloadServer({ size });
  const dir = await mkdtemp(join(tmpdir(), 'hss-bench-download-'));
  try {
    const results = { client: [], pipe: [], arraybuffer: [], large: [] };
    const measure = (mode) => async () => {
      const bytes = mode === 'large' ? size * largeFactor : size;
      const r = await runChild(
        mode === 'large' ? 'client' : mode,
        server.url,
        join(dir, `${mode}.zip`),
        `bytes-${bytes}`,
      );
      if (r.bytes !== bytes) throw new Error(`download-memory: ${mode} wrote ${r.bytes} bytes, expected ${bytes}`);
      // The larger of the sampled peak and the kernel's high-water mark: a spike between two
      // samples still counts. (maxRSS also covers start-up before the baseline, so this can
      // only overstate the growth, never hide it.)
      const growth = Math.max(r.peakRss, r.maxRss) - r.baselineRss;
      results[mode].push({ ...r, growth });
      return growth;
    };
    const samples = await interleave(
      {
        client: measure('client'),
        pipe: measure('pipe'),
        arraybuffer: measure('arraybuffer'),
        large: measure('large'),
      },
      runs,
    );
    const perRun = (mode) => samples[mode].map((b) => b / MB);
    const rows = [
      row({
        name: 'bare fetch → Readable.fromWeb().pipe(file) (baseline)',
        unit: 'MB',
        perRun: perRun('pipe'),
        baselinePerRun: perRun('pipe'),
        baselineName: 'bare fetch pipe',
      }),
      row({
        name: 'downloadExportToFile (client)',
        unit: 'MB',
        perRun: perRun('client'),
        baselinePerRun: perRun('pipe'),
        baselineName: 'bare fetch pipe',
        target: '< 30 MB',
      }),
      row({
        name: 'bare fetch → await arrayBuffer() (naive, for contrast)',
        unit: 'MB',
        perRun: perRun('arraybuffer'),
        baselinePerRun: perRun('pipe'),
        baselineName: 'bare fetch pipe',
      }),
      row({
        name: `downloadExportToFile, ${sizeMB * largeFactor} MB file (scaling check)`,
        unit: 'MB',
        perRun: perRun('large'),
        baselinePerRun: perRun('client'),
        baselineName: `client, ${sizeMB} MB`,
      }),
    ];
    rows[1].met = rows[1].max < 30;
    const speed = (mode) => median(results[mode].map((r) => r.bytes / MB / (r.ms / 1000)));
    rows[0].note = `${speed('pipe').toFixed(0)} MB/s`;
    rows[1].note = `${speed('client').toFixed(0)} MB/s; met = every run under 30 MB`;
    rows[2].note = `${speed('arraybuffer').toFixed(0)} MB/s`;
    rows[3].note = `${largeFactor}× the bytes; a ratio near 1 means growth does not scale with the file`;
    const idle = median(results.client.map((r) => r.baselineRss / MB));
    return {
      id,
      title,
      params: {
        runs,
        sizeMB,
        largeMB: sizeMB * largeFactor,
        idleRssMB: Number(idle.toFixed(1)),
        client: await clientProvenance(),
      },
      command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
      tables: [
        { caption: 'Peak RSS growth over the idle child (ratio: to the bare-fetch pipe in the same round)', rows },
      ],
    };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}
