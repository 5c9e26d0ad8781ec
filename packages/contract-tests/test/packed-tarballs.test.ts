// Installs the packed tarballs of every published package into a throwaway project outside
// the workspace (so nothing resolves through workspace links) and calls the create
// operation against Prism from type-checked TypeScript and from plain Node ESM.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const publishedDirs = readdirSync(join(repo, 'packages'))
  .map((name) => join(repo, 'packages', name))
  .filter((dir) => {
    try {
      return !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private;
    } catch {
      return false;
    }
  });

let project: string;

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'hss-export-smoke-'));
  const tarballs = join(project, 'tarballs');
  for (const dir of publishedDirs) {
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'pipe' });
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'smoke', private: true, type: 'module' }));
  const files = readdirSync(tarballs).map((f) => join(tarballs, f));
  // Local tarballs only: no registry access is needed, and none is allowed to sneak in.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', ...files], {
    cwd: project,
    stdio: 'pipe',
  });
}, 120_000);

afterAll(() => {
  if (project) rmSync(project, { recursive: true, force: true });
});

describe('packed tarballs in a project outside the workspace', () => {
  it('packs every published package', () => {
    expect(publishedDirs.map((d) => d.split('/').pop())).toEqual(expect.arrayContaining(['client', 'types']));
    const typesFiles = execFileSync(
      'tar',
      [
        '-tzf',
        readdirSync(join(project, 'tarballs'))
          .map((f) => join(project, 'tarballs', f))
          .find((f) => f.includes('types'))!,
      ],
      { encoding: 'utf8' },
    );
    // The types package ships declarations only.
    expect(typesFiles.split('\n').filter((f) => f.endsWith('.js'))).toEqual([]);
  });

  it('works from plain Node ESM', { timeout: 120_000 }, () => {
    writeFileSync(
      join(project, 'create.mjs'),
      `import { Configuration, ExportApi } from '@hss-export/client';
const api = new ExportApi(new Configuration({ basePath: process.env.PRISM_URL, headers: { 'X-Auth-Token': 't' } }));
const created = await api.createContainerExportTask({ projectId: 'p', containerExportRequest: { export_headers: [['container_name', 'Container Name']] } });
console.log(JSON.stringify(created));
`,
    );
    const out = execFileSync(process.execPath, ['create.mjs'], {
      cwd: project,
      env: { ...process.env, PRISM_URL: inject('prismUrl') },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ task_id: 'test' });
  });

  it('type-checks from TypeScript (NodeNext) and runs', { timeout: 120_000 }, () => {
    writeFileSync(
      join(project, 'create.ts'),
      `import { Configuration, ExportApi, type ContainerExportRequest } from '@hss-export/client';
import type { ExportTaskCreated } from '@hss-export/types';
declare const process: { env: Record<string, string | undefined> };
const body: ContainerExportRequest = { export_headers: [['container_name', 'Container Name']], status: 'Running' };
const api = new ExportApi(new Configuration({ basePath: process.env.PRISM_URL, headers: { 'X-Auth-Token': 't' } }));
const created: ExportTaskCreated = await api.createContainerExportTask({ projectId: 'p', containerExportRequest: body });
console.log(JSON.stringify(created));
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          outDir: 'out',
          types: [],
          lib: ['ES2022', 'DOM'],
        },
        files: ['create.ts'],
      }),
    );
    const tsc = join(repo, 'node_modules', 'typescript', 'bin', 'tsc');
    try {
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
    } catch (error) {
      throw new Error(`tsc failed in the smoke project:\n${(error as { stdout?: string }).stdout}`);
    }
    const out = execFileSync(process.execPath, ['out/create.js'], {
      cwd: project,
      env: { ...process.env, PRISM_URL: inject('prismUrl') },
      encoding: 'utf8',
    });
    expect(JSON.parse(out)).toEqual({ task_id: 'test' });
  });
});
