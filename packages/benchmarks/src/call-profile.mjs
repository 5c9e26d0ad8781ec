#!/usr/bin/env node
// Where the client's per-call overhead goes: the create call built up layer by layer, each
// layer interleaved with bare fetch against the same local server, plus the signer on its own.
// Not part of the benchmark tables; it backs the notes under "Call overhead" in BENCHMARKS.md.
//
//   node src/call-profile.mjs [--runs 3] [--calls 1500]
//   node --cpu-prof --cpu-prof-dir=/tmp/prof src/call-profile.mjs   (then open the .cpuprofile)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createHssClient } from '@hss-export/client';
import { REQUEST } from './call-overhead.mjs';
import { startCreateServerProcess } from './servers.mjs';
import { median, nowMs } from './stats.mjs';

// The layers are internal modules of the client's build; only this diagnostic reaches into them.
const clientDir = dirname(createRequire(import.meta.url).resolve('@hss-export/client/package.json'));
const internal = (file) => import(pathToFileURL(join(clientDir, 'dist', file)).href);

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, calls: { type: 'string', default: '1500' } },
});
const runs = Number(values.runs);
const calls = Number(values.calls);

const { ExportApi, Configuration } = await internal('index.js');
const { createTransport } = await internal('transport.js');
const { resolveConfig } = await internal('config.js');
const { validateRequest } = await internal('validation.js');
const { signedHeaders } = await internal('auth/signer.js');

const server = await startCreateServerProcess();
try {
  const token = 't'.repeat(64);
  const url = `${server.url}/v5/p/container/export-task`;
  const body = JSON.stringify(REQUEST);
  const headers = { 'Content-Type': 'application/json', 'User-Agent': 'hss-export-client/0', 'X-Auth-Token': token };
  const init = { method: 'POST', headers, body };
  const config = resolveConfig({ endpoint: server.url, projectId: 'p', credentials: { token }, maxRetries: 0 });
  const transport = createTransport(config);
  const api = new ExportApi(
    new Configuration({
      basePath: server.url,
      fetchApi: fetch,
      headers: { 'User-Agent': headers['User-Agent'], 'X-Auth-Token': token },
    }),
  );
  const apiOverTransport = new ExportApi(new Configuration({ basePath: server.url, fetchApi: transport }));
  const client = createHssClient({ endpoint: server.url, projectId: 'p', credentials: { token }, maxRetries: 0 });
  const signed = createHssClient({
    endpoint: server.url,
    projectId: 'p',
    credentials: { accessKey: 'AK', secretKey: 'SK' },
    maxRetries: 0,
  });

  const layers = {
    'bare fetch': async () => (await fetch(url, init)).json(),
    '+ AbortController signal': async () =>
      (await fetch(url, { ...init, signal: new AbortController().signal })).json(),
    '+ signal + 60 s timer (what the transport arms per attempt)': async () => {
      const c = new AbortController();
      const timer = setTimeout(() => c.abort(), 60_000);
      try {
        return await (await fetch(url, { ...init, signal: c.signal })).json();
      } finally {
        clearTimeout(timer);
      }
    },
    '+ request validation': async () => {
      validateRequest('createContainerExportTask', { params: { project_id: 'p' }, body: REQUEST });
      return (await fetch(url, init)).json();
    },
    'generated ExportApi over plain fetch': async () =>
      (await api.createContainerExportTaskRaw({ projectId: 'p', containerExportRequest: REQUEST })).raw.json(),
    'our transport alone (auth, timeout, errors)': async () =>
      (
        await transport(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          hss: { operation: 'x' },
        })
      ).json(),
    'generated ExportApi over our transport (the client minus its own wrapper)': async () =>
      (
        await apiOverTransport.createContainerExportTaskRaw(
          { projectId: 'p', containerExportRequest: REQUEST },
          { hss: { operation: 'x' } },
        )
      ).raw.json(),
    'client, token auth': () => client.createContainerExportTask(REQUEST),
    'client, AK/SK signed': () => signed.createContainerExportTask(REQUEST),
  };
  const names = Object.keys(layers);
  for (let i = 0; i < 300; i++) for (const n of names) await layers[n]();
  const perRun = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++) {
    const s = Object.fromEntries(names.map((n) => [n, []]));
    for (let i = 0; i < calls; i++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(i + k) % names.length];
        const t0 = nowMs();
        await layers[n]();
        s[n].push(nowMs() - t0);
      }
    }
    for (const n of names) perRun[n].push(median(s[n]));
  }
  console.log(`median per call over ${runs} runs × ${calls} calls; Δ and ratio against bare fetch in the same run`);
  for (const n of names) {
    const delta = median(perRun[n].map((v, i) => (v - perRun['bare fetch'][i]) * 1000));
    const ratio = median(perRun[n].map((v, i) => v / perRun['bare fetch'][i]));
    console.log(
      `${n.padEnd(76)} ${(median(perRun[n]) * 1000).toFixed(0).padStart(5)} µs  Δ ${delta.toFixed(0).padStart(5)} µs  ${ratio.toFixed(2)}×`,
    );
  }

  // The signer alone, no network: what each signed call pays before it is sent.
  const request = { method: 'POST', url, headers: { 'Content-Type': 'application/json' }, body };
  const credentials = { accessKey: 'AK', secretKey: 'SK' };
  for (let i = 0; i < 300; i++) await signedHeaders(request, credentials, { projectId: 'p' });
  const n = 3000;
  const t0 = nowMs();
  for (let i = 0; i < n; i++) await signedHeaders(request, credentials, { projectId: 'p' });
  console.log(
    `${'signedHeaders() alone (no network)'.padEnd(76)} ${(((nowMs() - t0) / n) * 1000).toFixed(0).padStart(5)} µs`,
  );
  const subtle = async (f) => {
    for (let i = 0; i < 300; i++) await f();
    const t = nowMs();
    for (let i = 0; i < n; i++) await f();
    return (((nowMs() - t) / n) * 1000).toFixed(0).padStart(5);
  };
  const bytes = new TextEncoder().encode(body);
  console.log(
    `${'one crypto.subtle.digest(SHA-256) (the signer makes two)'.padEnd(76)} ${await subtle(() => crypto.subtle.digest('SHA-256', bytes))} µs`,
  );
  const key = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  console.log(
    `${'one crypto.subtle.sign(HMAC) (plus one importKey)'.padEnd(76)} ${await subtle(() => crypto.subtle.sign('HMAC', key, bytes))} µs`,
  );
} finally {
  await server.close();
}
