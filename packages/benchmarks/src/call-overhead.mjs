// 1. Call overhead: createContainerExportTask through our client (token auth, then AK/SK
// signing) against bare fetch sending the same request to the same local server.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHssClient } from '@hss-export/client';
import { benchEnv, clientProvenance, createScratch } from './scratch.mjs';
import { startCreateServer, startCreateServerProcess } from './servers.mjs';
import { median, nowMs, row, timeCommand } from './stats.mjs';

export const id = 'call-overhead';
export const title = 'Call overhead (create call, local node:http server)';

const PROJECT = '0123456789abcdef0123456789abcdef';
// A realistic filter set, so validation and serialisation do the work a real call does.
export const REQUEST = {
  export_headers: [
    ['container_name', 'Container'],
    ['cluster_name', 'Cluster'],
    ['image_name', 'Image'],
    ['status', 'Status'],
  ],
  cluster_type: 'cce',
  status: 'Running',
  risky: true,
};

// Headers fetch adds by itself; everything else the client sent, the baseline sends too.
const FETCH_OWN = new Set([
  'host',
  'connection',
  'content-length',
  'accept',
  'accept-language',
  'sec-fetch-mode',
  'accept-encoding',
]);

/** What the client put on the wire for its last create call, as a fetch() init. */
async function lastRequest(server) {
  const last = await (await fetch(`${server.url}/__last`)).json();
  const headers = Object.fromEntries(Object.entries(last.headers).filter(([k]) => !FETCH_OWN.has(k)));
  return { url: server.url + last.url, init: { method: last.method, headers, body: last.body } };
}

const TOKEN = { token: 'benchmark-token-'.padEnd(64, 'x') };
const AKSK = { accessKey: 'BENCHMARKACCESSKEY00', secretKey: 'benchmark-secret-key-0123456789abcdef0123' };

/** Builds the client with a proposal applied, in a scratch clone, and loads that build. */
async function candidateClient(proposal) {
  const clone = await createScratch({ patches: [proposal], label: `client-${proposal}` });
  try {
    await timeCommand('pnpm', ['build', '--filter', '@hss-export/client'], { cwd: clone.root, env: benchEnv() });
    const mod = await import(pathToFileURL(join(clone.root, 'packages/client/dist/index.js')).href);
    return { createHssClient: mod.createHssClient, clone };
  } catch (error) {
    await clone.remove();
    throw error;
  }
}

/**
 * @param {{ runs?: number, calls?: number, warmup?: number, inProcess?: boolean, proposal?: string }} [options]
 *   `calls` per variant per run; `inProcess` serves from this process instead of a child;
 *   `proposal` (a number from proposals/) also measures a client built with that proposal applied.
 */
export async function run({ runs = 5, calls = 2000, warmup = 500, inProcess = false, proposal } = {}) {
  const candidate = proposal ? await candidateClient(proposal) : undefined;
  let server;
  try {
    server = inProcess ? await startCreateServer() : await startCreateServerProcess();
    const base = { endpoint: server.url, projectId: PROJECT, maxRetries: 0 };
    const tokenClient = createHssClient({ ...base, credentials: TOKEN });
    const signedClient = createHssClient({ ...base, credentials: AKSK });

    await tokenClient.createContainerExportTask(REQUEST);
    const bare = await lastRequest(server);
    const bodyOk = bare.init.body === JSON.stringify(REQUEST) && bare.init.headers['x-auth-token'];
    if (!bodyOk) throw new Error(`call-overhead: unexpected request from the client: ${JSON.stringify(bare)}`);

    const variants = {
      bare: async () => {
        const response = await fetch(bare.url, bare.init);
        await response.json();
      },
      token: () => tokenClient.createContainerExportTask(REQUEST),
      signed: () => signedClient.createContainerExportTask(REQUEST),
    };
    if (candidate) {
      const token2 = candidate.createHssClient({ ...base, credentials: TOKEN });
      const signed2 = candidate.createHssClient({ ...base, credentials: AKSK });
      variants.tokenCandidate = () => token2.createContainerExportTask(REQUEST);
      variants.signedCandidate = () => signed2.createContainerExportTask(REQUEST);
    }
    const names = Object.keys(variants);

    // Warm-up: JIT, the lazily loaded signer, and one kept-alive socket per client.
    for (let i = 0; i < warmup; i++) for (const n of names) await variants[n]();

    const perRun = Object.fromEntries(names.map((n) => [n, []]));
    for (let r = 0; r < runs; r++) {
      const samples = Object.fromEntries(names.map((n) => [n, new Float64Array(calls)]));
      // Interleaved call by call, rotating the order, so load spikes hit every variant alike.
      for (let i = 0; i < calls; i++) {
        for (let k = 0; k < names.length; k++) {
          const n = names[(i + k) % names.length];
          const t0 = nowMs();
          await variants[n]();
          samples[n][i] = nowMs() - t0;
        }
      }
      for (const n of names) perRun[n].push(median(Array.from(samples[n])));
    }

    const overhead = (name, label, target, limit) => {
      const r = row({
        name: label,
        unit: 'ms',
        perRun: perRun[name],
        baselinePerRun: perRun.bare,
        baselineName: 'bare fetch',
        target,
      });
      if (limit) r.met = r.ratio.median <= limit;
      const extra = perRun[name].map((v, i) => (v - perRun.bare[i]) * 1000);
      r.note = `+${median(extra).toFixed(0)} µs per call over bare fetch`;
      return r;
    };
    const rows = [
      row({
        name: 'bare fetch (baseline)',
        unit: 'ms',
        perRun: perRun.bare,
        baselinePerRun: perRun.bare,
        baselineName: 'bare fetch',
      }),
      overhead('token', 'client, token auth', '≤ 1.10×', 1.1),
      overhead('signed', 'client, AK/SK signed', '≤ 1.25×', 1.25),
    ];
    if (candidate) {
      for (const [name, current, label, target, limit] of [
        ['tokenCandidate', 'token', `client + proposal ${proposal}, token auth`, '≤ 1.10×', 1.1],
        ['signedCandidate', 'signed', `client + proposal ${proposal}, AK/SK signed`, '≤ 1.25×', 1.25],
      ]) {
        const r = overhead(name, label, target, limit);
        const vs = median(perRun[name].map((v, i) => v / perRun[current][i]));
        r.note += `; ${vs.toFixed(2)}× today's client (same runs)`;
        rows.push(r);
      }
    }
    return {
      id,
      title,
      params: {
        runs,
        calls,
        warmup,
        server: inProcess ? 'same process' : 'child process',
        client: await clientProvenance(),
        ...(candidate ? { proposal: `${proposal} (built in a scratch clone of ${candidate.clone.commit})` } : {}),
      },
      command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
      tables: [{ caption: 'Median per-call latency (ratio: to bare fetch in the same run)', rows }],
    };
  } finally {
    await server?.close();
    await candidate?.clone.remove();
  }
}
