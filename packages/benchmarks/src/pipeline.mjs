// 2. Pipeline: in a scratch clone of HEAD, a one-line spec edit until `pnpm build` has rebuilt
// both generated packages and the CLI, and a `pnpm build` with nothing changed, against one
// bare generation of one package (the official wrapper, and java -jar directly); rounds interleaved.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { conditions, interleave, median, quietEnv, REPO, run as runCommand, tempDir } from './lib.mjs';

export const id = 'pipeline';
const SPEC = 'spec/hss-export.openapi.yaml';
const JAR = 'packages/generator/node_modules/openapi-generator-jar/versions/7.0.0.jar';
const WRAPPER = 'packages/generator/node_modules/@openapitools/openapi-generator-cli/main.js';
// ContainerExportRequest.container_name's description: it reaches the types' declarations and
// the client's docs, so an edit to it changes what both packages compile.
const EDIT = /^( {10}description: Container name).*$/m;
const LANDS_IN = ['packages/types/dist/generated/models/index.d.ts', 'packages/client/dist/generated/docs.js'];

/** A clone of the committed tree (nobody's uncommitted work), installed from the store only. */
async function scratch() {
  const dir = tempDir('pipeline');
  const root = join(dir.path, 'repo');
  try {
    await runCommand('git', ['clone', '--quiet', REPO, root]);
    await runCommand('pnpm', ['install', '--frozen-lockfile', '--offline'], { cwd: root, env: quietEnv() });
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    return { dir, root, commit };
  } catch (error) {
    dir.remove();
    throw error;
  }
}

/** What the timed steps need, checked without timing anything (the smoke test's dry run). */
async function check(root) {
  const checks = [];
  const ok = async (name, test) => {
    try {
      checks.push({ name, ok: (await test()) !== false });
    } catch (error) {
      checks.push({ name, ok: false, error: String(error.message).split('\n')[0] });
    }
  };
  for (const file of [SPEC, JAR, WRAPPER]) await ok(`${file} is in the clone`, () => existsSync(join(root, file)));
  await ok('the spec has the line the edit rewrites', () => EDIT.test(readFileSync(join(root, SPEC), 'utf8')));
  // The wrapper reads openapitools.json from $PWD; without the pinned jar it would go to Maven Central.
  const home = join(root, 'packages/generator');
  await ok('the official wrapper runs the pinned 7.0.0 jar', async () => {
    const { output } = await runCommand(process.execPath, [join(root, WRAPPER), 'version'], {
      cwd: home,
      env: quietEnv({ PWD: home }),
    });
    return output.trim().endsWith('7.0.0');
  });
  await ok('turbo runs in the clone', () =>
    runCommand('pnpm', ['exec', 'turbo', '--version'], { cwd: root, env: quietEnv() }),
  );
  return checks;
}

const cached = (output) => {
  const m = /Cached:\s+(\d+) cached, (\d+) total/.exec(output);
  return { full: !!m && m[1] === m[2], missed: [...output.matchAll(/^(\S+): cache miss/gm)].map((x) => x[1]) };
};

export async function run({ runs = 5, dry = false } = {}) {
  const s = await scratch();
  try {
    const checks = await check(s.root);
    const base = { id, title: 'Pipeline', command: `pnpm --filter @hss-export/benchmarks bench -- ${id}` };
    if (dry) return { ...base, dry: true, checks, scratch: s.dir.path, rows: [], conditions: conditions(s.commit) };
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) throw new Error(`pipeline: ${failed.map((c) => c.name).join('; ')}`);

    const env = quietEnv();
    // The baselines are bare generations: the JVM flags our generator sets are not theirs.
    const bare = quietEnv({ JAVA_OPTS: undefined });
    const build = () => runCommand('pnpm', ['build'], { cwd: s.root, env });
    const cold = await build();
    const spec = join(s.root, SPEC);
    const generate = async (command, args, cwd) => {
      const out = join(s.dir.path, 'bare-generation');
      const { ms } = await runCommand(command, [...args, 'generate', '-g', 'typescript-fetch', '-i', spec, '-o', out], {
        cwd,
        env: { ...bare, PWD: cwd },
      });
      if (!existsSync(join(out, 'apis/ExportApi.ts')))
        throw new Error('pipeline: the bare generation wrote no ExportApi.ts');
      rmSync(out, { recursive: true, force: true });
      return ms / 1000;
    };
    // Each round's text is new (a nonce and the round), so turbo can never restore an edit build
    // from its cache, as it would for the third of two alternating texts.
    const nonce = Date.now().toString(36);
    const samples = await interleave(
      {
        wrapper: () => generate(process.execPath, [join(s.root, WRAPPER)], join(s.root, 'packages/generator')),
        java: () => generate('java', ['-jar', join(s.root, JAR)], s.root),
        edit: async (round) => {
          const marker = `(benchmark edit ${nonce}-${round})`;
          writeFileSync(spec, readFileSync(spec, 'utf8').replace(EDIT, `$1 ${marker}`));
          const edit = await build();
          for (const f of LANDS_IN) {
            if (!readFileSync(join(s.root, f), 'utf8').includes(marker))
              throw new Error(`pipeline: the edit did not reach ${f}`);
          }
          if (!cached(edit.output).missed.includes('@hss-export/cli:build'))
            throw new Error('pipeline: the edit build did not rebuild the CLI');
          const noop = async () => {
            const { ms, output } = await build();
            return { s: ms / 1000, cache: cached(output) };
          };
          return { edit: edit.ms / 1000, first: await noop(), again: await noop() };
        },
      },
      runs,
    );
    const e = samples.edit;
    const edits = e.map((x) => x.edit);
    const vs = (values, baseline) => values.map((v, i) => v / baseline[i]);
    const timed = (name, values, extra) => ({ name, unit: 's', values, ...extra });
    const byWrapper = (values) => ({ ratios: vs(values, samples.wrapper), baseline: 'wrapper' });
    const noop = (key) => {
      const hits = e.filter((x) => x[key].cache.full).length;
      const values = e.map((x) => x[key].s);
      return { values, hits, target: 'full cache hit, ≤ 1.5 s', met: hits === runs && median(values) <= 1.5 };
    };
    const [first, again] = [noop('first'), noop('again')];
    const java = vs(edits, samples.java);
    const missed = [...new Set(e.flatMap((x) => x.first.cache.missed))];
    return {
      ...base,
      params: `${runs} rounds in a scratch clone; its cold \`pnpm build\` took ${(cold.ms / 1000).toFixed(1)} s (setup, no target)`,
      rows: [
        timed('bare generation, official wrapper (baseline)', samples.wrapper, byWrapper(samples.wrapper)),
        timed('bare generation, `java -jar` directly', samples.java, byWrapper(samples.java)),
        timed('spec edit → `pnpm build` (types, client and CLI rebuilt)', edits, {
          ...byWrapper(edits),
          target: '≤ 3× wrapper',
          met: median(vs(edits, samples.wrapper)) <= 3,
        }),
        timed('`pnpm build`, nothing changed, right after the edit build', first.values, first),
        timed('`pnpm build`, nothing changed, once more', again.values, again),
      ],
      notes: [
        `The spec edit build is ${median(java).toFixed(2)}× (${Math.min(...java).toFixed(2)}–${Math.max(...java).toFixed(2)}) the \`java -jar\` generation of the same round.`,
        `Full cache hits: ${first.hits} of ${runs} rounds right after the edit build${missed.length ? ` (rebuilt: ${missed.join(', ')})` : ''}, ${again.hits} of ${runs} once more.`,
      ],
      conditions: conditions(s.commit),
    };
  } finally {
    s.dir.remove();
  }
}
