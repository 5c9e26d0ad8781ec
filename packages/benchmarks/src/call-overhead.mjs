// 1. Call overhead: createContainerExportTask through our client (token, AK/SK) against the
// same request sent by bare fetch, by openapi-fetch, and by the client openapi-generator writes
// with its stock templates; interleaved call by call against one keep-alive server.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createHssClient } from '@hss-export/client';
import createClient from 'openapi-fetch';
import { conditions, interleave, median, REPO, run as runCommand, start, tempDir } from './lib.mjs';

export const id = 'call-overhead';
const SELF = fileURLToPath(import.meta.url);
const PROJECT = '0123456789abcdef0123456789abcdef';
const BODY = { export_headers: [['container_name', 'Name']] };
const TOKEN = { token: 't' };
const AKSK = { accessKey: 'BENCHMARKACCESSKEY00', secretKey: 'benchmark-secret-key-0123456789' };
const JAR = 'packages/generator/node_modules/openapi-generator-jar/versions/7.0.0.jar';
const SPEC = 'spec/hss-export.openapi.yaml';
// The generator's own templates, with the options our packages use where they exist there.
const STOCK = [
  '-g',
  'typescript-fetch',
  '--additional-properties=supportsES6=true,importFileExtension=.js,withoutRuntimeChecks=true,modelPropertyNaming=original',
];
const ANSWER = Buffer.from('{"task_id":"t"}');
const CLIENT_DIST = '/packages/client/dist/';
const PROFILE_INTERVAL_US = 100;

// In a child, so the server's work runs on the other core beside the caller's instead of
// adding the same time to every variant (which would pull every ratio towards 1).
function serve() {
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      const ok = req.method === 'POST' && /^\/v5\/[^/?]+\/container\/export-task$/.test(req.url);
      res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json', 'Content-Length': ok ? ANSWER.length : 2 });
      res.end(ok ? ANSWER : '{}');
    });
  });
  // Longer than any pause between runs, so no variant ever pays for a new connection.
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
  process.on('disconnect', () => process.exit(0));
}

async function startServer() {
  const proc = start(process.execPath, [SELF, '--serve'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    proc.child.once('message', resolve);
    proc.exited.then(() => reject(new Error('call-overhead: the server child ended before listening')));
  });
  return { url: `http://127.0.0.1:${port}`, stop: proc.stop };
}

/** Our client both ways, and bare fetch sending what the client sent (captured, so it cannot drift). */
async function ours(url) {
  let sent;
  const base = { endpoint: url, projectId: PROJECT, maxRetries: 0 };
  const spy = (u, init) => {
    sent = { url: String(u), init };
    return fetch(u, init);
  };
  await createHssClient({ ...base, credentials: TOKEN, fetch: spy }).createContainerExportTask(BODY);
  const { method, headers, body } = sent.init;
  const token = createHssClient({ ...base, credentials: TOKEN });
  const aksk = createHssClient({ ...base, credentials: AKSK });
  return {
    sent,
    bare: async () => (await fetch(sent.url, { method, headers, body })).json(),
    token: () => token.createContainerExportTask(BODY),
    aksk: () => aksk.createContainerExportTask(BODY),
  };
}

/** openapi-generator's own typescript-fetch output for our spec, compiled: the generator without our templates. */
async function stockClient(dir) {
  const src = join(dir, 'src');
  await runCommand('java', ['-jar', join(REPO, JAR), 'generate', ...STOCK, '-i', join(REPO, SPEC), '-o', src]);
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  const tsc = createRequire(join(REPO, 'package.json')).resolve('typescript/bin/tsc');
  const flags = ['--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
  await runCommand(process.execPath, [tsc, ...flags, '--outDir', join(dir, 'out'), join(src, 'index.ts')]);
  return import(pathToFileURL(join(dir, 'out/index.js')).href);
}

/**
 * Charges each CPU sample to the first frame up its stack that is the client's own code (named
 * with the call it was making), else to fetch if it is under undici, else to the function it
 * was in. Adds µs per call for each such item into `items`.
 */
function charge(profile, calls, items) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (f) => f.functionName || '(anonymous)';
  const labelOf = (leafId) => {
    const leaf = nodes.get(leafId).callFrame;
    if (leaf.functionName.startsWith('(')) return leaf.functionName;
    for (let at = leafId, below; at !== undefined; below = at, at = parent.get(at)) {
      const f = nodes.get(at).callFrame;
      if (f.url.includes(CLIENT_DIST)) {
        const callee = below === undefined ? 'self' : name(nodes.get(below).callFrame);
        return `client: ${name(f)} (${f.url.split(CLIENT_DIST)[1]}:${f.lineNumber + 1}) → ${callee}`;
      }
      if (f.url.includes('undici')) return 'fetch (undici)';
    }
    return `${name(leaf)} (${leaf.url.split('/').pop() || 'native'})`;
  };
  const memo = new Map();
  profile.samples.forEach((leafId, i) => {
    if (!memo.has(leafId)) memo.set(leafId, labelOf(leafId));
    const label = memo.get(leafId);
    if (label !== '(idle)') items.set(label, (items.get(label) ?? 0) + profile.timeDeltas[i] / calls);
  });
}

/**
 * Runs in a child: warms up like the timed runs, then profiles `calls` calls of each variant
 * per round, rounds rotating the order like the timed runs, one profile per variant and round.
 */
async function profileChild([url, calls, rounds, file]) {
  const { sent: _, ...variants } = await ours(url);
  for (let i = 0; i < 300; i++) for (const call of Object.values(variants)) await call();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: PROFILE_INTERVAL_US });
  const profiles = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const chunk = (which) => async () => {
    await session.post('Profiler.start');
    for (let i = 0; i < Number(calls); i++) await variants[which]();
    profiles[which].push((await session.post('Profiler.stop')).profile);
  };
  await interleave(Object.fromEntries(Object.keys(variants).map((k) => [k, chunk(k)])), Number(rounds));
  writeFileSync(file, JSON.stringify(profiles));
  session.disconnect();
}

async function profile(url, calls, rounds) {
  const dir = tempDir('cpu-prof');
  try {
    const file = join(dir.path, 'profiles.json');
    await runCommand(process.execPath, [SELF, '--profile', url, String(calls), String(rounds), file]);
    const hotspots = {};
    for (const [which, profiles] of Object.entries(JSON.parse(readFileSync(file, 'utf8')))) {
      const items = new Map();
      for (const p of profiles) charge(p, calls * rounds, items);
      hotspots[which] = { items, busy: [...items.values()].reduce((a, b) => a + b, 0) };
    }
    return hotspots;
  } finally {
    dir.remove();
  }
}

function profileNotes(p, calls) {
  const sum = (h, test) => [...h.items].filter(([l]) => test(l)).reduce((t, [, v]) => t + v, 0);
  const share = (h, us) => `${((us / h.busy) * 100).toFixed(1)} %`;
  const isClient = (l) => l.startsWith('client:');
  const isFetch = (l) => l === 'fetch (undici)';
  const cells = (h) =>
    [isClient, isFetch, (l) => !isClient(l) && !isFetch(l)].map(
      (t) => `${sum(h, t).toFixed(0)} µs (${share(h, sum(h, t))})`,
    );
  const notes = [
    `**Where the time goes.** V8's CPU profiler (what \`node --cpu-prof\` runs; here started through \`node:inspector\` after 300 warm-up calls, so start-up stays out) sampling every ${PROFILE_INTERVAL_US} µs, ${calls} calls per variant in one child against the same server, in chunks interleaved like the timed runs. Each sample is charged to the first frame up its stack in \`packages/client/dist\`, named with the call that frame was making (\`self\`: its own code, and whatever V8 inlined into it), else to fetch when it is under undici, else to the function it was in. Figures are main-thread CPU per call with the profiler's overhead in them: compare them with each other, not with the table.`,
    '',
    '| profile | busy CPU per call | client code | fetch (undici) | GC, microtasks, other |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...[
      ['bare fetch', p.bare],
      ['our client, token', p.token],
      ['our client, AK/SK', p.aksk],
    ].map(([k, h]) => `| ${k} | ${h.busy.toFixed(0)} µs | ${cells(h).join(' | ')} |`),
  ];
  for (const [k, title] of [
    ['token', 'token'],
    ['aksk', 'AK/SK'],
  ]) {
    const top = [...p[k].items].filter(([l]) => l !== 'fetch (undici)').sort((a, b) => b[1] - a[1]);
    notes.push('', `Largest items besides fetch, ${title} calls (µs per call, share of busy CPU):`, '');
    for (const [label, us] of top.slice(0, 10)) notes.push(`- ${label}: ${us.toFixed(1)} µs, ${share(p[k], us)}`);
  }
  return notes;
}

export async function run({ runs = 5, calls = 2000, warmup = 500, profileCalls = 6000, profileRounds = 3 } = {}) {
  const dir = tempDir('stock-client');
  const server = await startServer();
  try {
    const stock = await stockClient(dir.path);
    const { sent, ...mine } = await ours(server.url);
    // Stock clients add their own Content-Type; every other header is the one our client sent.
    const { 'Content-Type': _, ...headers } = sent.init.headers;
    const of = createClient({ baseUrl: server.url, headers });
    const api = new stock.ExportApi(new stock.Configuration({ basePath: server.url, headers }));
    const variants = {
      'bare fetch (baseline)': mine.bare,
      'our client, token': mine.token,
      'our client, AK/SK signed': mine.aksk,
      'openapi-fetch 0.17.0': async () =>
        (
          await of.POST('/v5/{project_id}/container/export-task', {
            params: { path: { project_id: PROJECT } },
            body: BODY,
          })
        ).data,
      'openapi-generator 7.0.0, stock typescript-fetch': () =>
        api.createContainerExportTask({ projectId: PROJECT, containerExportRequest: BODY }),
    };
    for (const [name, call] of Object.entries(variants)) {
      const answer = await call();
      if (answer?.task_id !== 't') throw new Error(`call-overhead: ${name} answered ${JSON.stringify(answer)}`);
    }
    // JIT, the lazily loaded signer, one kept-alive socket per client.
    for (let i = 0; i < warmup; i++) for (const call of Object.values(variants)) await call();
    const time = (call) => async () => {
      const t0 = performance.now();
      await call();
      return performance.now() - t0;
    };
    const timed = Object.fromEntries(Object.entries(variants).map(([n, call]) => [n, time(call)]));
    const perRun = {};
    for (let r = 0; r < runs; r++) {
      for (const [n, ms] of Object.entries(await interleave(timed, calls))) {
        perRun[n] ??= [];
        perRun[n].push(median(ms) * 1000);
      }
    }
    const bare = perRun['bare fetch (baseline)'];
    const targets = { 'our client, token': 1.1, 'our client, AK/SK signed': 1.25 };
    const rows = Object.entries(perRun).map(([name, values]) => {
      const ratios = values.map((v, i) => v / bare[i]);
      const limit = targets[name];
      return {
        name,
        unit: 'µs',
        values,
        ratios,
        baseline: 'bare fetch',
        ...(limit && { target: `≤ ${limit.toFixed(2)}×`, met: median(ratios) <= limit }),
      };
    });
    const hotspots = await profile(server.url, profileCalls / profileRounds, profileRounds);
    return {
      id,
      title: 'Call overhead',
      command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
      params: `${runs} runs × ${calls} calls per variant after ${warmup} warm-up calls each; a run's figure is its median call`,
      rows,
      notes: profileNotes(hotspots, profileCalls),
      conditions: conditions(),
    };
  } finally {
    await server.stop();
    dir.remove();
  }
}

if (process.argv[2] === '--serve') serve();
if (process.argv[2] === '--profile') await profileChild(process.argv.slice(3));
