// The client as a browser app gets it: the published tarballs (pnpm pack), extracted,
// bundled with esbuild into a page, served from 127.0.0.1 and run in headless Debian
// chromium (driven by playwright-core) against Prism on another origin, so every call is a
// real CORS request. The page's functions (page/app.mjs) return plain data that is
// asserted here.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../../..');
const CHROMIUM = process.env.HSS_TEST_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

let work: string;
let server: Server | undefined;
let context: BrowserContext | undefined;
let page: Page;
let siteUrl: string;
let bundleInputs: string[] = [];
const pageProblems: string[] = [];
const browserRequests: string[] = [];

/** pnpm pack each package, then unpack it where a bundler resolving a bare import looks. */
function installPacked(packageDirs: string[], nodeModules: string): void {
  const tarballs = join(work, 'tarballs');
  for (const dir of packageDirs) {
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, stdio: 'pipe' });
  }
  for (const file of readdirSync(tarballs)) {
    const staging = join(work, 'staging', file);
    mkdirSync(staging, { recursive: true });
    execFileSync('tar', ['-xzf', join(tarballs, file), '-C', staging, '--strip-components=1']);
    const { name } = JSON.parse(readFileSync(join(staging, 'package.json'), 'utf8')) as { name: string };
    const target = join(nodeModules, ...name.split('/'));
    mkdirSync(join(target, '..'), { recursive: true });
    execFileSync('mv', [staging, target]);
  }
}

function serveStatic(root: string): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
  };
  const files = new Map(readdirSync(root).map((name) => [`/${name}`, name]));
  const s = createServer((request, response) => {
    const name = files.get(new URL(request.url ?? '/', 'http://x').pathname);
    if (!name) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'Content-Type': types[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream',
      'Cache-Control': 'no-store',
    });
    response.end(readFileSync(join(root, name)));
  });
  return new Promise((resolveServer, reject) => {
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => resolveServer(s));
  });
}

async function setUp(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No chromium at ${CHROMIUM}. Install Debian's: apt-get update && apt-get install -y chromium ` +
        '(never `playwright install`, which downloads a browser); or point HSS_TEST_CHROMIUM at one.',
    );
  }
  work = mkdtempSync(join(tmpdir(), 'hss-browser-'));

  installPacked([join(repo, 'packages/client'), join(repo, 'packages/types')], join(work, 'node_modules'));
  // The entry sits next to the unpacked node_modules, so '@hss-export/client' can only
  // resolve to the tarball's contents (checked in the first test).
  mkdirSync(join(work, 'src'));
  copyFileSync(join(import.meta.dirname, 'page/app.mjs'), join(work, 'src/app.mjs'));
  const site = join(work, 'site');
  const result = await build({
    absWorkingDir: work,
    entryPoints: ['src/app.mjs'],
    outfile: join(site, 'app.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    metafile: true,
    logLevel: 'silent',
  });
  bundleInputs = Object.keys(result.metafile.inputs);
  writeFileSync(
    join(site, 'index.html'),
    `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>hss-export in a browser</title></head>
<body>
<p>task_id: <output id="task-id"></output></p>
<p>error: <output id="error"></output></p>
<script type="module" src="./app.js"></script>
</body>
</html>
`,
  );

  server = await serveStatic(site);
  siteUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  context = await chromium.launchPersistentContext(join(work, 'chromium-profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  context.on('request', (request) => browserRequests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // Chromium logs every 4xx answer as "Failed to load resource"; the tests ask for some.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      pageProblems.push(`console.error: ${message.text()}`);
    }
  });
  await page.goto(`${siteUrl}/index.html`);
  await page
    .waitForFunction(() => (window as unknown as { hssReady?: boolean }).hssReady === true, undefined, {
      timeout: 15_000,
    })
    .catch((error: Error) => {
      throw new Error(`the page's script did not start: ${error.message}\n${pageProblems.join('\n')}`);
    });
}

// A beforeAll that throws makes vitest skip the tests, and skipped tests are not counted
// as failures in the repo's `N passed, N failed` line; so each test rethrows the error.
let setUpError: unknown;
beforeAll(() => setUp().catch((error: unknown) => (setUpError = error)), 180_000);
function test(name: string, body: () => unknown) {
  it(name, async () => {
    if (setUpError) throw setUpError;
    await body();
  });
}

afterAll(async () => {
  // Each step on its own, so one failure cannot leave the browser or the server running.
  await context?.close().catch(() => {});
  await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
  server?.closeAllConnections();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

type PageApi = Record<string, (endpoint: string) => Promise<unknown>>;
/** Calls window.hss[name](prismUrl) in the page and returns its (serialisable) result. */
function inPage<T>(name: string): Promise<T> {
  return page.evaluate(([fn, endpoint]) => (window as unknown as { hss: PageApi }).hss[fn]!(endpoint), [
    name,
    inject('prismUrl'),
  ] as const) as Promise<T>;
}

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | null;
  status: number;
  violations: string | null;
}
interface Thrown {
  name: string;
  isHssError: boolean;
  isApiError: boolean;
  isNotFoundError: boolean;
  isValidationError: boolean;
  status?: number;
  errorCode?: string;
  errorMsg?: string;
  requestId?: string;
  problems?: Array<{ path: string; rule: string; message: string }>;
  message: string;
}

describe('the packed client in headless chromium, against Prism over CORS', () => {
  test('is bundled from the unpacked tarballs, not from the workspace', () => {
    const fromClient = bundleInputs.filter((input) => input.startsWith('node_modules/@hss-export/client/dist/'));
    expect(fromClient.length).toBeGreaterThan(3);
    const elsewhere = bundleInputs.filter((input) => input !== 'src/app.mjs' && !fromClient.includes(input));
    expect(elsewhere).toEqual([]);
    // Paths in the metafile are relative to `work`: none may climb out of it into packages/.
    expect(bundleInputs.filter((input) => resolve(work, input).startsWith(repo + sep))).toEqual([]);
  });

  test('creates an export task with a token and shows its task_id', async () => {
    const { created, requests } = await inPage<{ created: { task_id: string }; requests: Recorded[] }>('createTask');
    expect(created).toEqual({ task_id: 'test' });
    expect(await page.locator('#task-id').textContent()).toBe('test');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ method: 'POST', status: 200, violations: null });
    expect(requests[0]!.url).toBe(
      `${inject('prismUrl')}/v5/0a1b2c3d4e5f60718293a4b5c6d7e8f9/container/export-task?export_size=1000`,
    );
  });

  test('sl-violations is readable cross-origin, so "no violations" above means something', async () => {
    const raw = await inPage<{ status: number; violations: string | null }>('rawInvalid');
    expect(raw.status).toBe(400);
    expect(raw.violations).toContain('additionalProperties');
  });

  test('turns a documented 404 into a NotFoundError the page can inspect', async () => {
    const { thrown, requests } = await inPage<{ thrown: Thrown | null; requests: Recorded[] }>('documentedNotFound');
    expect(thrown).toMatchObject({
      name: 'NotFoundError',
      isNotFoundError: true,
      isApiError: true,
      isHssError: true,
      status: 404,
      errorCode: 'APIGW.0101',
      errorMsg: expect.stringContaining('does not exist'),
      requestId: expect.any(String),
    });
    expect(requests).toHaveLength(1);
    expect(await page.locator('#error').textContent()).toBe('NotFoundError APIGW.0101');
  });

  test('refuses an unknown column key with a ValidationError and sends nothing', async () => {
    const { thrown, requests } = await inPage<{ thrown: Thrown | null; requests: Recorded[] }>('invalidRequest');
    expect(thrown).toMatchObject({ name: 'ValidationError', isValidationError: true, isApiError: false });
    expect(thrown!.problems).toEqual([
      expect.objectContaining({ path: 'body.export_headers[0][0]', rule: 'columnKeys' }),
    ]);
    expect(requests).toEqual([]);
  });

  test('signs with AK/SK through Web Crypto: Prism accepts it, and Node computes the same signature', async () => {
    const { created, requests } = await inPage<{ created: { task_id: string }; requests: Recorded[] }>(
      'createTaskWithAkSk',
    );
    expect(created).toEqual({ task_id: 'test' });
    expect(requests).toHaveLength(1);
    const sent = requests[0]!;
    expect(sent).toMatchObject({ status: 200, violations: null });
    expect(sent.headers).not.toHaveProperty('X-Auth-Token');
    expect(sent.headers.Authorization).toMatch(
      /^SDK-HMAC-SHA256 Access=BROWSERTESTAK, SignedHeaders=[a-z;-]+, Signature=[0-9a-f]{64}$/,
    );

    // The same packed signer, run by Node for the same request at the same X-Sdk-Date.
    const signerUrl = pathToFileURL(join(work, 'node_modules/@hss-export/client/dist/auth/signer.js')).href;
    const { signedHeaders } = (await import(signerUrl)) as {
      signedHeaders: (
        request: { method: string; url: string; headers: Record<string, string>; body?: string },
        credentials: { accessKey: string; secretKey: string },
        options: { now: Date; projectId: string },
      ) => Promise<Record<string, string>>;
    };
    const date = sent.headers['X-Sdk-Date']!;
    const now = new Date(date.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
    const expected = await signedHeaders(
      {
        method: sent.method,
        url: sent.url,
        headers: { 'Content-Type': sent.headers['Content-Type']! },
        body: sent.body ?? undefined,
      },
      { accessKey: 'BROWSERTESTAK', secretKey: 'browser-test-sk' },
      { now, projectId: sent.headers['X-Project-Id']! },
    );
    expect(sent.headers.Authorization).toBe(expected.Authorization);
  });

  test('the page raised no errors and the browser talked only to 127.0.0.1', () => {
    expect(pageProblems).toEqual([]);
    expect(browserRequests.length).toBeGreaterThan(0);
    expect(browserRequests.filter((url) => new URL(url).hostname !== '127.0.0.1')).toEqual([]);
  });
});
