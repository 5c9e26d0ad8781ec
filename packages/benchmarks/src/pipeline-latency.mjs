// 3. Pipeline latency: cold `pnpm build`, no-op `pnpm build`, and a one-field spec edit
// until both packages are regenerated and rebuilt; for the tree as it is and for the
// proposed changes in proposals/, each in its own scratch clone, rounds interleaved.
// Also one generation timed through each way of running openapi-generator, to show what
// dominates it.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { benchEnv, cleanBuildState, createScratch, listProposals, proposalPath, REPO_ROOT } from './scratch.mjs';
import { median, nowMs, row, timeCommand } from './stats.mjs';

export const id = 'pipeline-latency';
export const title = 'Pipeline latency (scratch clones of HEAD; `pnpm build` through turbo)';

const exec = promisify(execFile);

/** Which proposals each variant applies, in order (see proposals/README.md). */
export const VARIANTS = {
  current: [],
  'direct-java': ['1'],
  'one-jvm': ['1', '3'],
  'one-jvm+lint-beside': ['1', '3', '5'],
};
// Measured by other modules (call-overhead --proposal N), listed so the dry run checks they
// still apply. None pending: 4 (node:crypto signer) was adopted.
const OTHER_PROPOSALS = {};

const JAR = 'packages/generator/node_modules/openapi-generator-jar/versions/7.0.0.jar';
const SPEC = 'spec/hss-export.openapi.yaml';
const TEMPLATES = 'packages/generator/templates/typescript-fetch';
const PACKAGES = [
  { name: 'types', config: 'packages/types/openapi-generator.yaml', out: 'packages/types/src/generated' },
  { name: 'client', config: 'packages/client/openapi-generator.yaml', out: 'packages/client/src/generated/openapi' },
];
// The field the edit benchmark changes: cluster_name's maxLength in ContainerExportRequest.
const EDIT = /(\n {8}cluster_name:\n(?: {10}.*\n)*? {10}maxLength: )(\d+)/;

const pnpmBuild = (root) => timeCommand('pnpm', ['build'], { cwd: root, env: benchEnv() });
// What the target is about: the two generated packages, not packages that build on them.
const buildBoth = (root) =>
  timeCommand('pnpm', ['exec', 'turbo', 'run', 'build', '--filter=@hss-export/types', '--filter=@hss-export/client'], {
    cwd: root,
    env: benchEnv(),
  });

async function editSpec(root, value) {
  const file = join(root, SPEC);
  const text = await readFile(file, 'utf8');
  if (!EDIT.test(text)) throw new Error(`pipeline-latency: cluster_name.maxLength not found in ${SPEC}; update EDIT`);
  await writeFile(file, text.replace(EDIT, `$1${value}`));
}

/** Proof that an edit build really regenerated and rebuilt both packages. */
async function checkEditLanded(root, value, output) {
  const rules = await readFile(join(root, 'packages/client/dist/generated/spec-rules.js'), 'utf8');
  if (!new RegExp(`cluster_name: \\{[^}]*maxLength: ${value}\\b`).test(rules)) {
    throw new Error(
      `pipeline-latency: after the edit, client dist does not carry maxLength ${value}:\n${output.slice(-3000)}`,
    );
  }
  for (const task of ['@hss-export/types:build', '@hss-export/client:build']) {
    if (!output.includes(`${task}: cache miss`)) {
      throw new Error(`pipeline-latency: ${task} was not rebuilt after the edit:\n${output.slice(-3000)}`);
    }
  }
}

/** A batch config per package: the package's generate config plus the command-line parts. */
async function batchConfigs(root, dir, outDirFor) {
  const { parse } = await import(pathToFileURL(join(root, 'packages/generator/node_modules/yaml/dist/index.js')).href);
  return Promise.all(
    PACKAGES.map(async (p) => {
      const file = join(dir, `${p.name}.json`);
      const options = parse(await readFile(join(root, p.config), 'utf8'));
      Object.assign(options, {
        generatorName: 'typescript-fetch',
        inputSpec: join(root, SPEC),
        outputDir: outDirFor(p),
        templateDir: join(root, TEMPLATES),
      });
      await writeFile(file, JSON.stringify(options));
      return file;
    }),
  );
}

const directArgs = (root, p, out) => [
  '-jar',
  join(root, JAR),
  'generate',
  '-g',
  'typescript-fetch',
  '-i',
  join(root, SPEC),
  '-o',
  out,
  '-c',
  join(root, p.config),
  '-t',
  join(root, TEMPLATES),
];

/**
 * One generation, several ways, in the `current` clone (it has the wrapper path). Outputs go
 * to a side folder so the clone's build state is untouched.
 */
async function generationRound(root, samples) {
  const side = join(root, '.bench-gen');
  await rm(side, { recursive: true, force: true });
  await mkdir(side, { recursive: true });
  const out = (label, p) => join(side, label, p.name, 'generated');
  const [types, client] = PACKAGES;
  const configs = await batchConfigs(root, side, (p) => out('batch', p));
  const both = (fn) => async () => {
    const t0 = nowMs();
    await Promise.all(PACKAGES.map(fn));
    return nowMs() - t0;
  };
  const ways = {
    jvm: async () => (await timeCommand('java', ['-jar', join(root, JAR), 'version'])).ms,
    direct: async () => (await timeCommand('java', directArgs(root, types, out('direct', types)))).ms,
    wrapper: async () =>
      (
        await timeCommand(
          'node',
          [join(root, 'packages/generator/bin/generate.mjs'), join(root, types.config), out('wrapper', types)],
          { cwd: join(root, 'packages/types') },
        )
      ).ms,
    wrapperBoth: both((p) =>
      timeCommand(
        'node',
        [join(root, 'packages/generator/bin/generate.mjs'), join(root, p.config), out('wrapper2', p)],
        { cwd: join(root, 'packages', p.name) },
      ),
    ),
    directBoth: both((p) => timeCommand('java', directArgs(root, p, out('direct2', p)))),
    batch: async () =>
      (await timeCommand('java', ['-jar', join(root, JAR), 'batch', '--fail-fast', '--threads', '2', ...configs])).ms,
  };
  const names = Object.keys(ways);
  const offset = samples.direct.length;
  for (let k = 0; k < names.length; k++) {
    const n = names[(offset + k) % names.length];
    samples[n].push(await ways[n]());
  }
  // All six must have produced the same files, or the comparison is meaningless.
  const list = async (dir) =>
    (await exec('find', ['.', '-type', 'f', '-not', '-path', './.openapi-generator*'], { cwd: dir })).stdout
      .split('\n')
      .sort()
      .join('\n');
  const expected = await list(out('direct', types));
  for (const dir of [out('wrapper', types), out('batch', types), out('direct2', types), out('wrapper2', types)]) {
    if ((await list(dir)) !== expected) throw new Error(`pipeline-latency: ${dir} differs from the direct generation`);
  }
  if (!existsSync(join(out('batch', client), 'apis/ExportApi.ts')))
    throw new Error('pipeline-latency: batch did not generate the client');
  await rm(side, { recursive: true, force: true });
}

/** The same steps as the build, run as bare tool commands in sequence: what turbo+pnpm cannot beat. */
async function floorRound(root, samples) {
  const side = join(root, '.bench-floor');
  await mkdir(side, { recursive: true });
  const configs = await batchConfigs(root, side, (p) => join(root, p.out));
  for (const p of PACKAGES) await rm(join(root, p.out), { recursive: true, force: true });
  const steps = {
    lint: ['node', [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', SPEC, '--config', 'spec/redocly.yaml']],
    generate: ['java', ['-jar', join(root, JAR), 'batch', '--fail-fast', '--threads', '2', ...configs]],
    specRules: ['node', ['packages/generator/bin/spec-rules.mjs', 'packages/client/src/generated/spec-rules.ts']],
    tscTypes: ['node', ['packages/types/node_modules/typescript/bin/tsc', '-p', 'packages/types/tsconfig.build.json']],
    tscClient: [
      'node',
      ['packages/client/node_modules/typescript/bin/tsc', '-p', 'packages/client/tsconfig.build.json'],
    ],
  };
  let total = 0;
  for (const [name, [cmd, args]] of Object.entries(steps)) {
    const { ms } = await timeCommand(cmd, args, { cwd: root, env: benchEnv() });
    samples[name].push(ms);
    total += ms;
  }
  samples.total.push(total);
  samples.pnpm.push((await timeCommand('pnpm', ['-s', 'exec', 'node', '-e', '0'], { cwd: root, env: benchEnv() })).ms);
  await rm(side, { recursive: true, force: true });
}

async function buildRound(clone, samples, nextEditValue) {
  const { root } = clone;
  await cleanBuildState(root);
  samples.cold.push((await pnpmBuild(root)).ms);
  samples.noopFirst.push((await pnpmBuild(root)).ms);
  samples.noop.push((await pnpmBuild(root)).ms);
  for (const [key, build] of [
    ['editBoth', buildBoth],
    ['edit', pnpmBuild],
  ]) {
    const value = nextEditValue();
    await editSpec(root, value);
    const result = await build(root);
    await checkEditLanded(root, value, result.output);
    samples[key].push(result.ms);
  }
}

/**
 * Checks what the benchmark needs without building anything: the tools are there and every
 * proposal still applies to HEAD. A stale proposal is reported, not thrown: it is a note for
 * whoever reruns the benchmark, not a defect in the code under test.
 */
export async function dryRun() {
  const checks = [];
  const check = async (name, fn) => {
    try {
      await fn();
      checks.push({ name, ok: true });
    } catch (error) {
      checks.push({ name, ok: false, error: String(error.stderr || error.message || error).split('\n')[0] });
    }
  };
  await check('git', () => exec('git', ['--version']));
  await check('pnpm', () => exec('pnpm', ['--version']));
  await check('java', () => exec('java', ['-version']));
  for (const file of [JAR, SPEC, 'node_modules/@redocly/cli/bin/cli.js', 'packages/generator/bin/generate.mjs']) {
    await check(file, async () => {
      if (!existsSync(join(REPO_ROOT, file))) throw new Error(`${file} is missing`);
    });
  }
  await check('edit target', async () => {
    if (!EDIT.test(await readFile(join(REPO_ROOT, SPEC), 'utf8'))) throw new Error('cluster_name.maxLength not found');
  });
  // Each chain against HEAD, in a throwaway index, so nobody's uncommitted work affects the answer.
  const { stdout: tree } = await exec('git', ['rev-parse', 'HEAD^{tree}'], { cwd: REPO_ROOT });
  const chains = { ...Object.fromEntries(Object.entries(VARIANTS).filter(([, p]) => p.length)), ...OTHER_PROPOSALS };
  const listed = new Set((await listProposals()).map((f) => f.split('-')[0]));
  for (const [name, chain] of Object.entries(chains)) {
    await check(`proposals ${chain.join('+')} (${name}) apply to HEAD`, async () => {
      const index = join(tmpdir(), `hss-bench-index-${process.pid}-${name}`);
      const env = { ...process.env, GIT_INDEX_FILE: index };
      try {
        await exec('git', ['read-tree', tree.trim()], { cwd: REPO_ROOT, env });
        for (const p of chain) await exec('git', ['apply', '--cached', await proposalPath(p)], { cwd: REPO_ROOT, env });
      } finally {
        await rm(index, { force: true });
      }
    });
    for (const p of chain) listed.delete(p);
  }
  await check('every proposal is in a chain', async () => {
    if (listed.size) throw new Error(`not measured anywhere: ${[...listed].join(', ')}`);
  });
  return checks;
}

/**
 * @param {{ runs?: number, variants?: string[], generation?: boolean, dry?: boolean }} [options]
 */
export async function run({ runs = 3, variants = Object.keys(VARIANTS), generation = true, dry = false } = {}) {
  if (dry) {
    const checks = await dryRun();
    return {
      id,
      title,
      dry: true,
      checks,
      command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
      tables: [],
    };
  }
  for (const v of variants)
    if (!VARIANTS[v]) throw new Error(`unknown variant ${v} (have: ${Object.keys(VARIANTS).join(', ')})`);
  const clones = {};
  try {
    // Created one after another: parallel installs would only fight over two cores.
    for (const v of variants) clones[v] = await createScratch({ patches: VARIANTS[v], label: v });
    const { commit, installNote } = Object.values(clones)[0];
    const keys = ['cold', 'noopFirst', 'noop', 'editBoth', 'edit'];
    const perVariant = Object.fromEntries(variants.map((v) => [v, Object.fromEntries(keys.map((k) => [k, []]))]));
    const floor = Object.fromEntries(
      ['lint', 'generate', 'specRules', 'tscTypes', 'tscClient', 'total', 'pnpm'].map((k) => [k, []]),
    );
    const gen = Object.fromEntries(
      ['jvm', 'direct', 'wrapper', 'wrapperBoth', 'directBoth', 'batch'].map((k) => [k, []]),
    );
    const genRoot = (clones.current ?? Object.values(clones)[0]).root;
    // Unique per invocation and per edit, so no edit can be answered from turbo's cache.
    let editValue = 1000 + (Date.now() % 100_000) * 10;
    const nextEditValue = () => editValue++;

    for (let r = 0; r < runs; r++) {
      // Rotate which variant goes first, so a slow minute is shared out evenly.
      for (let k = 0; k < variants.length; k++) {
        const v = variants[(r + k) % variants.length];
        await buildRound(clones[v], perVariant[v], nextEditValue);
      }
      await floorRound(genRoot, floor);
      if (generation) await generationRound(genRoot, gen);
    }

    const build = [];
    const labels = {
      cold: 'cold `pnpm build` (after clean)',
      noopFirst: 'no-op `pnpm build`, first after a build that regenerated',
      noop: 'no-op `pnpm build`, steady state',
      editBoth:
        'spec edit (one `maxLength`) → types and client regenerated and built (`turbo run build --filter` both)',
      edit: 'spec edit → whole `pnpm build` (also compiles the packages that depend on the client)',
    };
    for (const key of keys) {
      for (const v of variants) {
        const noop = key.startsWith('noop');
        const r = row({
          name: `${labels[key]} — ${v}`,
          unit: 'ms',
          perRun: perVariant[v][key],
          baselinePerRun: noop ? floor.pnpm : floor.total,
          baselineName: noop ? '`pnpm exec node -e 0`' : 'tool floor',
          target: key === 'editBoth' ? '≤ 8 s' : noop ? '≤ 1.5 s' : undefined,
        });
        if (r.target) r.met = r.median <= (key === 'editBoth' ? 8000 : 1500);
        if (v !== 'current' && perVariant.current) {
          const vsCurrent = median(perVariant[v][key].map((x, i) => x / perVariant.current[key][i]));
          r.note = `${vsCurrent.toFixed(2)}× current (same rounds)`;
        }
        build.push(r);
      }
    }

    const floorRows = [
      ['lint', '`redocly lint` (spec)'],
      ['generate', '`java -jar … batch` (both packages, one JVM)'],
      ['specRules', '`spec-rules.mjs` (client validation rules)'],
      ['tscTypes', '`tsc` types'],
      ['tscClient', '`tsc` client'],
      ['total', 'tool floor: the five above in sequence'],
      ['pnpm', '`pnpm exec node -e 0` (pnpm + node start-up)'],
    ].map(([k, name]) =>
      row({ name, unit: 'ms', perRun: floor[k], baselinePerRun: floor.total, baselineName: 'tool floor' }),
    );

    const tables = [
      {
        caption: 'Build pipeline, per variant (ratio: to the tool floor, or for no-ops to pnpm start-up, same round)',
        rows: build,
      },
      { caption: 'Tool floor: the build’s steps as bare commands (no pnpm, no turbo), same rounds', rows: floorRows },
    ];
    if (generation) {
      const g = (k, name) =>
        row({ name, unit: 'ms', perRun: gen[k], baselinePerRun: gen.direct, baselineName: '`java -jar` generate' });
      tables.push({
        caption:
          'One generation, by way of running openapi-generator (ratio: to one direct `java -jar … generate`, same round)',
        rows: [
          g('jvm', '`java -jar … version` (JVM start-up only)'),
          g('direct', '`java -jar … generate`, one package (baseline)'),
          g('wrapper', 'official path today: `hss-generate` → Node wrapper → JVM, one package'),
          g('wrapperBoth', 'today’s build: two `hss-generate` in parallel (types + client)'),
          g('directBoth', 'proposal 1: two `java -jar … generate` in parallel'),
          g('batch', 'proposal 3: one `java -jar … batch` for both packages'),
        ],
      });
    }
    return {
      id,
      title,
      params: {
        runs,
        variants: variants
          .map((v) => `${v} = HEAD${VARIANTS[v].length ? ` + proposals ${VARIANTS[v].join(', ')}` : ''}`)
          .join('; '),
        commit,
        install: installNote,
      },
      command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
      tables,
    };
  } finally {
    for (const clone of Object.values(clones)) {
      // A turbo daemon, if one was started, belongs to the clone being removed.
      await exec('pnpm', ['exec', 'turbo', 'daemon', 'stop'], { cwd: clone.root, env: benchEnv() }).catch(() => {});
      await clone.remove();
    }
  }
}
