// What a user installs: the packed client, types and CLI, installed with npm into a throwaway
// project outside the workspace (so nothing resolves through workspace links), offline,
// with an empty npm cache and an unreachable registry, so nothing but the local tarballs can
// get in. The CLI's one registry dependency (undici) is packed from the workspace's own
// installed copy. Then: the client from plain Node ESM, from strict TypeScript, through
// require() from CommonJS, under each TypeScript moduleResolution, and the CLI's bin.
// The packed @hss-export/mock is installed and run by mock-tarballs.test.ts.
//
// Runs on Node 22 and 24 too (node-versions.test.ts): titles name the Node they ran on.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { npmEnv, pathWith } from './support/node-runtimes.js';
import { Children } from './support/run.js';

const repo = resolve(import.meta.dirname, '../../..');
const NODE = `Node ${process.versions.node}`;
const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
const PACKED = ['client', 'types', 'cli'];
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const published = readdirSync(join(repo, 'packages')).filter((name) => {
  try {
    return !readJson(join(repo, 'packages', name, 'package.json')).private;
  } catch {
    return false;
  }
});

const children = new Children();
let project: string;
let tarballs: string;

/** What the smoke scripts get: this Node first in PATH, Prism's URL, and no credentials of the caller's. */
function scriptEnv(): NodeJS.ProcessEnv {
  return { PATH: pathWith(process.execPath), HOME: project, PRISM_URL: inject('prismUrl') };
}

/** Runs `node <script>` in the project (or a folder of it) and parses the last line it prints. */
async function runScript(script: string, cwd = project): Promise<{ out: Record<string, unknown>; stderr: string }> {
  const ran = await children.run(process.execPath, [script], { cwd, env: scriptEnv(), deadlineMs: 120_000 });
  if (ran.code !== 0) throw new Error(`node ${script} in ${cwd} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  return { out: JSON.parse(ran.stdout.trim().split('\n').at(-1)!), stderr: ran.stderr };
}

/** tsc -p in `dir`; resolves with its diagnostics as `file TSnnnn` plus the full text. */
async function typecheck(dir: string): Promise<{ codes: string[]; text: string }> {
  const ran = await children.run(process.execPath, [tsc, '-p', 'tsconfig.json'], {
    cwd: dir,
    env: scriptEnv(),
    deadlineMs: 180_000,
  });
  const codes = [...ran.stdout.matchAll(/^([\w./-]+)\(\d+,\d+\): error (TS\d+)/gm)].map((m) => `${m[1]} ${m[2]}`);
  if (ran.code !== 0 && codes.length === 0)
    throw new Error(`tsc failed in ${dir} without diagnostics:\n${ran.stdout}\n${ran.stderr}`);
  return { codes, text: ran.stdout };
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'hss-export-smoke-'));
  tarballs = join(project, 'tarballs');
  await Promise.all(
    PACKED.map((name) =>
      children.mustRun('pnpm', ['pack', '--pack-destination', tarballs], {
        cwd: join(repo, 'packages', name),
        deadlineMs: 180_000,
      }),
    ),
  );
  const undici = realpathSync(
    dirname(createRequire(join(repo, 'packages/cli/package.json')).resolve('undici/package.json')),
  );
  const npm = ['--offline', '--cache', join(project, '.npm-cache'), '--registry', 'http://127.0.0.1:9/'];
  const env = { ...npmEnv(), PATH: pathWith(process.execPath) };
  await children.mustRun('npm', ['pack', undici, '--ignore-scripts', '--pack-destination', tarballs, ...npm], {
    cwd: project,
    env,
    deadlineMs: 120_000,
  });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  await children.mustRun('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', ...npm, ...files], {
    cwd: project,
    env,
    deadlineMs: 180_000,
  });
}, 400_000);

afterAll(async () => {
  await children.stopAll();
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('packed tarballs in a project outside the workspace', () => {
  it('every published package has a smoke test (here, or mock-tarballs.test.ts for the mock)', () => {
    expect(published.sort()).toEqual([...PACKED, 'mock'].sort());
  });

  it('installed offline from the local tarballs alone, none of it from the workspace', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((name) => !name.startsWith('.'));
    expect(installed.sort()).toEqual(['@hss-export', 'undici']);
    expect(readdirSync(join(project, 'node_modules/@hss-export')).sort()).toEqual([...PACKED].sort());
    for (const name of PACKED) {
      const where = realpathSync(join(project, 'node_modules/@hss-export', name));
      expect(where.startsWith(realpathSync(project))).toBe(true);
    }
  });

  it('the types package ships declarations only', async () => {
    const types = readdirSync(tarballs).find((f) => f.startsWith('hss-export-types-'))!;
    const listing = await children.mustRun('tar', ['-tzf', join(tarballs, types)], {
      cwd: project,
      deadlineMs: 60_000,
    });
    const files = listing.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/index.d.ts');
    expect(files.filter((f) => /\.(m|c)?js$/.test(f))).toEqual([]);
  });

  it(`works from plain Node ESM (${NODE})`, async () => {
    writeFileSync(
      join(project, 'create.mjs'),
      `import { createHssClient, NotFoundError } from '@hss-export/client';
const hss = createHssClient({ endpoint: process.env.PRISM_URL, projectId: 'p', credentials: { token: 't' } });
const created = await hss.createContainerExportTask({ export_headers: [['container_name', 'Name']], export_size: 10 });
const task = await hss.getExportTask({ task_id: created.task_id });
console.log(JSON.stringify({ node: process.version, created, status: task.task_status, notFound: typeof NotFoundError }));
`,
    );
    const { out } = await runScript('create.mjs');
    expect(out).toEqual({
      node: process.version,
      created: { task_id: 'test' },
      status: expect.any(String),
      notFound: 'function',
    });
  });

  it(`type-checks from strict TypeScript (NodeNext) and runs (${NODE})`, async () => {
    const dir = join(project, 'typescript');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(dir, 'create.ts'),
      `import { createHssClient, type ContainerExportRequest, type ExportTask } from '@hss-export/client';
import type { ExportTaskCreated } from '@hss-export/types';
declare const process: { env: Record<string, string | undefined>; version: string };
const body: ContainerExportRequest = { export_headers: [['container_name', 'Container Name']], status: 'Running' };
const hss = createHssClient({ endpoint: process.env.PRISM_URL!, projectId: 'p', credentials: { token: 't' } });
const created: ExportTaskCreated = await hss.createContainerExportTask({ ...body, export_size: 10 });
const task: ExportTask = await hss.getExportTask({ task_id: created.task_id });
console.log(JSON.stringify({ node: process.version, created, status: task.task_status }));
`,
    );
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          outDir: 'out',
          types: [],
          lib: ['ES2022', 'DOM'],
        },
        files: ['create.ts'],
      }),
    );
    const { text } = await typecheck(dir);
    expect(text).toBe('');
    const { out } = await runScript('out/create.js', dir);
    expect(out).toEqual({ node: process.version, created: { task_id: 'test' }, status: expect.any(String) });
  });

  it(`the CLI's bin runs from the installed package: --version and --help (${NODE})`, async () => {
    const bin = join(project, 'node_modules/.bin/hss-export');
    const { version } = readJson(join(project, 'node_modules/@hss-export/cli/package.json')) as { version: string };
    const said = await children.mustRun(bin, ['--version'], { cwd: project, env: scriptEnv(), deadlineMs: 60_000 });
    expect(said.trim()).toBe(version);
    const help = await children.mustRun(bin, ['--help'], { cwd: project, env: scriptEnv(), deadlineMs: 60_000 });
    expect(help).toMatch(/^hss-export: /);
    for (const command of ['containers', 'status', 'download', 'create-container-export-task', 'get-export-task']) {
      expect(help).toContain(`hss-export ${command}`);
    }
  });
});

// The client is ESM only ("type": "module", exports with types + default conditions, and a
// top-level main/types for older resolvers). What each way of consuming it gets.
describe('CommonJS and each TypeScript moduleResolution, with the packed client', () => {
  it(`CommonJS: require() of the client and its subpaths works through require(esm), silently (${NODE})`, async () => {
    writeFileSync(
      join(project, 'require.cjs'),
      `const { createHssClient, NotFoundError } = require('@hss-export/client');
const { downloadExportToFile } = require('@hss-export/client/node');
const { operations } = require('@hss-export/client/spec');
const hss = createHssClient({ endpoint: process.env.PRISM_URL, projectId: 'p', credentials: { token: 't' } });
hss.createContainerExportTask({ export_headers: [['container_name', 'Name']] }).then((created) =>
  console.log(JSON.stringify({ requireModule: process.features.require_module, created, notFound: typeof NotFoundError, download: typeof downloadExportToFile, operations: Object.keys(operations).length })));
`,
    );
    const { out, stderr } = await runScript('require.cjs');
    expect(out).toEqual({
      requireModule: true,
      created: { task_id: 'test' },
      notFound: 'function',
      download: 'function',
      operations: expect.any(Number),
    });
    expect(stderr).toBe(''); // no ExperimentalWarning: the client is loaded from node_modules
  });

  // One project per mode: main.ts uses the root entry (and runs if it type-checks),
  // subpaths.ts imports @hss-export/client/node and /spec.
  const MAIN = `import { createHssClient, NotFoundError, type ExportTaskCreated } from '@hss-export/client';
import type { ContainerExportRequest } from '@hss-export/types';
declare const process: { env: Record<string, string | undefined>; version: string };
async function main() {
  const body: ContainerExportRequest = { export_headers: [['container_name', 'Name']] };
  const hss = createHssClient({ endpoint: process.env.PRISM_URL!, projectId: 'p', credentials: { token: 't' } });
  const created: ExportTaskCreated = await hss.createContainerExportTask({ ...body, export_size: 10 });
  console.log(JSON.stringify({ node: process.version, created, notFound: typeof NotFoundError }));
}
main();
`;
  const SUBPATHS = `import { downloadExportToFile } from '@hss-export/client/node';
import { operations } from '@hss-export/client/spec';
export const used = [downloadExportToFile, operations];
`;
  const MODES = [
    { mode: 'node16, in an ESM project', type: 'module', module: 'node16', moduleResolution: 'node16', errors: [] },
    {
      mode: 'nodenext, in an ESM project',
      type: 'module',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      errors: [],
    },
    // TypeScript >= 5.8 knows Node can require() ESM under module nodenext (and node20).
    {
      mode: 'nodenext, in a CommonJS project',
      type: 'commonjs',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      errors: [],
    },
    {
      mode: 'node16, in a CommonJS project',
      type: 'commonjs',
      module: 'node16',
      moduleResolution: 'node16',
      // "...is an ECMAScript module and cannot be imported with 'require'", and a type-only
      // import needs resolution-mode: node16 predates require(esm).
      errors: ['main.ts TS1479', 'main.ts TS1541', 'subpaths.ts TS1479', 'subpaths.ts TS1479'],
    },
    { mode: 'bundler, with module esnext', type: 'module', module: 'esnext', moduleResolution: 'bundler', errors: [] },
    {
      mode: 'bundler, with module preserve',
      type: 'module',
      module: 'preserve',
      moduleResolution: 'bundler',
      errors: [],
    },
    {
      mode: 'node (node10), with module commonjs',
      type: 'commonjs',
      module: 'commonjs',
      moduleResolution: 'node10',
      // The root entry resolves through the top-level "types"; subpaths exist only in "exports",
      // which node10 does not read.
      errors: ['subpaths.ts TS2307', 'subpaths.ts TS2307'],
    },
  ] as const;

  describe.concurrent.each(MODES)('moduleResolution $mode', ({ mode, type, module, moduleResolution, errors }) => {
    it(`type-checks as recorded, and what compiles runs (${NODE})`, async () => {
      const dir = join(project, `ts-${mode.replace(/\W+/g, '-')}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
      writeFileSync(join(dir, 'main.ts'), MAIN);
      writeFileSync(join(dir, 'subpaths.ts'), SUBPATHS);
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            target: 'ES2022',
            module,
            moduleResolution,
            strict: true,
            outDir: 'out',
            types: [],
            lib: ['ES2022', 'DOM'],
          },
          files: ['main.ts', 'subpaths.ts'],
        }),
      );
      const { codes, text } = await typecheck(dir);
      expect(codes, text).toEqual(errors);
      if (moduleResolution === 'node10') {
        expect(text).toContain("could not be resolved under your current 'moduleResolution' setting");
      }
      if (codes.some((c) => c.startsWith('main.ts'))) return;
      const { out } = await runScript('out/main.js', dir);
      expect(out).toEqual({ node: process.version, created: { task_id: 'test' }, notFound: 'function' });
    });
  });
});
