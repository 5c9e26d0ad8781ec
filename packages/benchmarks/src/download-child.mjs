// One download in a fresh process, so its RSS says something about that download alone.
//
//   node --expose-gc download-child.mjs <mode> <endpoint> <destination> [file-id]
//
// Prints one JSON line: { baselineRss, peakRss, maxRss, bytes, ms }. Modes: `client`
// (downloadExportToFile), `pipe` (bare fetch + Readable.fromWeb().pipe(createWriteStream)),
// `arraybuffer` (bare fetch + await arrayBuffer(), the naive way).
import { createWriteStream } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createHssClient } from '@hss-export/client';
import { downloadExportToFile } from '@hss-export/client/node';

const [mode, endpoint, destination, fileId = 'export'] = process.argv.slice(2);
const PROJECT = 'p0123456789';
const fileUrl = (fileId) => `${endpoint}/v5/${PROJECT}/download/${fileId}`;
const client = createHssClient({ endpoint, projectId: PROJECT, credentials: { token: 'benchmark' }, maxRetries: 0 });

const modes = {
  async client(fileId, path) {
    return (await downloadExportToFile(client, fileId, path, { overwrite: true })).bytes;
  },
  async pipe(fileId, path) {
    const response = await fetch(fileUrl(fileId), { headers: { 'X-Auth-Token': 'benchmark' } });
    const out = createWriteStream(path);
    Readable.fromWeb(response.body).pipe(out);
    await finished(out);
    return out.bytesWritten;
  },
  async arraybuffer(fileId, path) {
    const response = await fetch(fileUrl(fileId), { headers: { 'X-Auth-Token': 'benchmark' } });
    const bytes = new Uint8Array(await response.arrayBuffer());
    await writeFile(path, bytes);
    return bytes.byteLength;
  },
};
const download = modes[mode];
if (!download || !destination) {
  process.stderr.write('usage: download-child.mjs <client|pipe|arraybuffer> <endpoint> <destination>\n');
  process.exit(2);
}

const settle = async () => {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
};

// fetch (undici) and the client load lazily on first use; a small warm-up download through
// the same path keeps that one-off cost out of the baseline-to-peak growth.
await download('warm', destination);
await rm(destination, { force: true });
await settle();
const baselineRss = Math.min(...[0, 1, 2].map(() => process.memoryUsage.rss()));

// Timers still fire during the download: every read and write yields to the event loop.
let peakRss = baselineRss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 2);
const started = performance.now();
const bytes = await download(fileId, destination);
const ms = performance.now() - started;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage.rss());
await rm(destination, { force: true });
// maxRSS is the kernel's high-water mark (KiB) for the whole process life, spikes between samples included.
const maxRss = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ baselineRss, peakRss, maxRss, bytes, ms })}\n`);
