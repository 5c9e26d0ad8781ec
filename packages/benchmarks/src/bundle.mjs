// 3. Bundle size: what a browser app ships for one token-auth create call, bundled the way an
// app's bundler would (esbuild: minify, browser, esm, splitting so lazy imports become chunks),
// against openapi-fetch making the same call. A library function, so release gates can call it.
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { conditions } from './lib.mjs';

export const id = 'bundle';
const HERE = dirname(fileURLToPath(import.meta.url));

export const ENTRIES = {
  ours: `import { createHssClient } from '@hss-export/client';
createHssClient({ endpoint: 'https://hss.example.test', projectId: 'p', credentials: { token: 't' } }).createContainerExportTask({ export_headers: [['container_name', 'Container Name']] });`,
  'openapi-fetch': `import createClient from 'openapi-fetch';
createClient({ baseUrl: 'https://hss.example.test' }).POST('/v5/{project_id}/container/export-task', { params: { path: { project_id: 'p' } }, body: { export_headers: [['container_name', 'Container Name']] } });`,
};

/**
 * Bundles one entry (each on its own: bundled together, two entries would share chunks).
 * Returns the chunks that load with the entry (it and its static imports), the others (loaded
 * lazily), each with min and gzip -9 bytes and its modules' bytes from the metafile.
 */
export async function measureBundle(source, { resolveDir = HERE } = {}) {
  const out = await build({
    entryPoints: ['entry'],
    plugins: [
      {
        name: 'entry',
        setup(b) {
          b.onResolve({ filter: /^entry$/ }, () => ({ path: 'entry', namespace: 'entry' }));
          b.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({ contents: source, resolveDir, loader: 'js' }));
        },
      },
    ],
    absWorkingDir: resolveDir,
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    splitting: true,
    outdir: 'out',
    write: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const chunks = new Map(
    out.outputFiles.map((file) => {
      const key = relative(resolveDir, file.path);
      const meta = out.metafile.outputs[key];
      const modules = Object.entries(meta.inputs).map(([path, m]) => [path.replace(/^(\.\.\/)+/, ''), m.bytesInOutput]);
      const imports = meta.imports.filter((i) => i.kind === 'import-statement').map((i) => i.path);
      return [
        key,
        {
          key,
          entry: meta.entryPoint === 'entry:entry',
          min: file.contents.length,
          gzip: gzipSync(file.contents, { level: 9 }).length,
          modules,
          imports,
        },
      ];
    }),
  );
  const loaded = new Set();
  const visit = (c) => {
    if (c && !loaded.has(c)) {
      loaded.add(c);
      for (const k of c.imports) visit(chunks.get(k));
    }
  };
  visit([...chunks.values()].find((c) => c.entry));
  const add = (cs) => cs.reduce((t, c) => ({ min: t.min + c.min, gzip: t.gzip + c.gzip }), { min: 0, gzip: 0 });
  return {
    initial: { ...add([...loaded]), chunks: [...loaded] },
    lazy: [...chunks.values()].filter((c) => !loaded.has(c)),
  };
}

/** Our token create call, its lazily loaded AK/SK signer chunk, and openapi-fetch's same call. */
export async function measureBundles() {
  const [ours, openapiFetch] = await Promise.all([
    measureBundle(ENTRIES.ours),
    measureBundle(ENTRIES['openapi-fetch']),
  ]);
  const signer = ours.lazy.find((c) => c.modules.some(([m]) => m.endsWith('/auth/signer.js')));
  if (!signer) throw new Error('bundle: no lazily loaded chunk holds auth/signer.js');
  return {
    ours,
    signer,
    openapiFetch,
    ratio: { min: ours.initial.min / openapiFetch.initial.min, gzip: ours.initial.gzip / openapiFetch.initial.gzip },
  };
}

export async function run() {
  const m = await measureBundles();
  const kB = (b) => `${(b / 1000).toFixed(2)} kB`;
  const row = (name, s, target, limit) => ({
    name,
    unit: 'kB',
    values: [s.gzip],
    ...(limit && { target, met: s.gzip <= limit }),
  });
  // Module bytes are before gzip (gzip works across module boundaries), so shares are of the minified size.
  const breakdown = (title, chunks) => {
    const total = chunks.reduce((t, c) => t + c.min, 0);
    const modules = chunks.flatMap((c) => c.modules).filter(([, b]) => b > 0);
    return [
      '',
      `${title}: ${chunks.length} chunk(s) (gzip ${chunks.map((c) => kB(c.gzip)).join(' + ')}), ${total} B minified; bytes per module (esbuild metafile):`,
      '',
      ...modules
        .sort((a, b) => b[1] - a[1])
        .map(([mod, b]) => `- ${mod}: ${b} B (${((b / total) * 100).toFixed(0)} %)`),
    ];
  };
  return {
    id,
    title: 'Bundle size',
    command: `pnpm --filter @hss-export/benchmarks bench -- ${id}`,
    params:
      'Sizes are gzip -9 of esbuild 0.28.2 output (minify, platform browser, format esm, splitting); 1 kB = 1000 B',
    rows: [
      {
        ...row('our client, token create call: entry and its static imports', m.ours.initial, '≤ 4 kB gzip', 4000),
        ratios: [m.ratio.gzip],
        baseline: 'openapi-fetch',
      },
      row('AK/SK signer chunk, loaded on the first signed call', m.signer, '≤ 1.5 kB gzip', 1500),
      {
        ...row('openapi-fetch 0.17.0, the same create call', m.openapiFetch.initial),
        ratios: [1],
        baseline: 'openapi-fetch',
      },
    ],
    notes: [
      `Minified sizes before gzip: ours ${kB(m.ours.initial.min)} (${m.ratio.min.toFixed(2)}× openapi-fetch's ${kB(m.openapiFetch.initial.min)}), signer chunk ${kB(m.signer.min)}. Other lazy chunks of ours, not counted: ${m.ours.lazy
        .filter((c) => c !== m.signer)
        .map((c) => `${c.modules.map(([mod]) => mod.split('/').pop()).join(' + ')} (${kB(c.gzip)} gzip)`)
        .join(', ')}.`,
      ...breakdown('Our token create call', m.ours.initial.chunks),
      ...breakdown('The signer chunk', [m.signer]),
    ],
    conditions: conditions(),
  };
}
