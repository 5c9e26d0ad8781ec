// The client as a browser app gets it: the published tarballs (pnpm pack), extracted,
// bundled with esbuild into a page, served from 127.0.0.1 and run in headless Chromium
// against Prism on another origin, so every call is a real CORS request. The Chromium is
// the build inside the @sparticuz/chromium npm package (decompressed into this run's temp
// folder; nothing is downloaded and nothing comes from the system), driven by
// playwright-core. The page's functions (page/app.mjs) return plain data asserted here.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import sparticuz from '@sparticuz/chromium';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isRunning, processesMatching } from '../support/processes.js';
import { Children } from '../support/run.js';

const repo = resolve(import.meta.dirname, '../../../..');
// Lambda's flags, less the two that switch off the web's security model: with
// --disable-web-security the browser would skip CORS, which is what this test is about.
const CHROMIUM_ARGS = sparticuz.args.filter(
  (arg) => arg !== '--disable-web-security' && arg !== '--allow-running-insecure-content',
);

let work: string;
const servers: Server[] = [];
let browser: Browser | undefined;
let executable: string | undefined;
let context: BrowserContext | undefined;
let page: Page;
let siteUrl: string;
let noCorsUrl: string;
let noCorsHits = 0;
let bundleInputs: string[] = [];
const pageProblems: string[] = [];
const browserRequests: string[] = [];
const children = new Children();

/** pnpm pack each package, then unpack it where a bundler resolving a bare import looks. */
async function installPacked(packageDirs: string[], nodeModules: string): Promise<void> {
  const tarballs = join(work, 'tarballs');
  await Promise.all(
    packageDirs.map((dir) =>
      children.mustRun('pnpm', ['pack', '--pack-destination', tarballs], { cwd: dir, deadlineMs: 120_000 }),
    ),
  );
  for (const file of readdirSync(tarballs)) {
    const staging = join(work, 'staging', file);
    mkdirSync(staging, { recursive: true });
    await children.mustRun('tar', ['-xzf', join(tarballs, file), '-C', staging, '--strip-components=1'], {
      cwd: work,
      deadlineMs: 60_000,
    });
    const { name } = JSON.parse(readFileSync(join(staging, 'package.json'), 'utf8')) as { name: string };
    const target = join(nodeModules, ...name.split('/'));
    mkdirSync(dirname(target), { recursive: true });
    renameSync(staging, target);
  }
}

function listen(server: Server): Promise<string> {
  servers.push(server);
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolveServer(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function serveStatic(root: string): Server {
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
  };
  const files = new Map(readdirSync(root).map((name) => [`/${name}`, name]));
  return createServer((request, response) => {
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
}

/**
 * The Chromium build that @sparticuz/chromium carries (bin/chromium.br and its fonts and
 * SwiftShader), decompressed by the package itself into `dir`: it writes to os.tmpdir(),
 * so TMPDIR points there while it runs (and while Playwright makes its profile folder).
 */
async function withTmpdir<T>(dir: string, body: () => Promise<T>): Promise<T> {
  const before = process.env.TMPDIR;
  process.env.TMPDIR = dir;
  try {
    return await body();
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

async function launchChromium(): Promise<Browser> {
  // build/cjs/index.cjs or build/esm/index.js; the package decompresses ../../bin.
  const entry = createRequire(import.meta.url).resolve('@sparticuz/chromium');
  const compressed = resolve(dirname(entry), '../../bin/chromium.br');
  if (!existsSync(compressed)) {
    throw new Error(
      `@sparticuz/chromium has no ${compressed}: reinstall it (pnpm install), its tarball carries Chromium`,
    );
  }
  const dir = join(work, 'chromium');
  mkdirSync(dir);
  return withTmpdir(dir, async () => {
    executable = await sparticuz.executablePath();
    if (executable !== join(dir, 'chromium')) {
      throw new Error(`@sparticuz/chromium decompressed Chromium to ${executable}, not into ${dir}`);
    }
    return chromium.launch({ executablePath: executable, args: CHROMIUM_ARGS, headless: true, timeout: 120_000 });
  });
}

/** Chromium processes started from this run's executable (none may be left at the end). */
const ourChromiums = () => (executable ? processesMatching(executable).filter((p) => isRunning(p.pid)) : []);

async function setUp(): Promise<void> {
  work = mkdtempSync(join(tmpdir(), 'hss-browser-'));

  await installPacked([join(repo, 'packages/client'), join(repo, 'packages/types')], join(work, 'node_modules'));
  // The entry sits next to the unpacked node_modules, so '@hss-export/client' can only
  // resolve to the tarball's contents (checked in the first test).
  mkdirSync(join(work, 'src'));
  await copyFile(join(import.meta.dirname, 'page/app.mjs'), join(work, 'src/app.mjs'));
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

  siteUrl = await listen(serveStatic(site));
  // Another origin that answers without any CORS header.
  noCorsUrl = await listen(
    createServer((_, response) => {
      noCorsHits++;
      response.writeHead(200, { 'Content-Type': 'text/plain' }).end('not for other origins');
    }),
  );

  browser = await launchChromium();
  context = await browser.newContext();
  context.on('request', (request) => browserRequests.push(request.url()));
  page = await context.newPage();
  page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    // Chromium logs every 4xx answer as "Failed to load resource"; the tests ask for some,
    // and for one answer the CORS check must block.
    const expected =
      text.startsWith('Failed to load resource') || (text.includes(noCorsUrl) && text.includes('CORS policy'));
    if (message.type() === 'error' && !expected) pageProblems.push(`console.error: ${text}`);
  });
  await page.goto(`${siteUrl}/index.html`, { timeout: 60_000 });
  await page
    .waitForFunction(() => (window as unknown as { hssReady?: boolean }).hssReady === true, undefined, {
      timeout: 60_000,
    })
    .catch((error: Error) => {
      throw new Error(`the page's script did not start: ${error.message}\n${pageProblems.join('\n')}`);
    });
}

// A beforeAll that throws makes vitest skip the tests, and skipped tests are not counted
// as failures in the repo's `N passed, N failed` line; so each test rethrows the error.
let setUpError: unknown;
beforeAll(() => setUp().catch((error: unknown) => (setUpError = error)), 300_000);
function test(name: string, body: () => unknown) {
  it(name, async () => {
    if (setUpError) throw setUpError;
    await body();
  });
}

afterAll(async () => {
  // Each step on its own, so one failure cannot leave the browser or a server running.
  // close() resolves once the browser process has exited (Playwright waits for its exit).
  await browser?.close().catch(() => {});
  const leftover = ourChromiums();
  for (const p of leftover) process.kill(p.pid, 'SIGKILL');
  await children.stopAll();
  await Promise.all(
    servers.map((server) => {
      server.closeAllConnections();
      return new Promise<void>((done) => server.close(() => done()));
    }),
  );
  if (work) rmSync(work, { recursive: true, force: true });
  expect(
    leftover.map((p) => p.cmdline.slice(0, 200)),
    'Chromium still running after browser.close()',
  ).toEqual([]);
}, 120_000);

type PageApi = Record<string, (url: string) => Promise<unknown>>;
/** Calls window.hss[name](url) in the page (default: Prism's URL) and returns its (serialisable) result. */
function inPage<T>(name: string, url: string = inject('prismUrl')): Promise<T> {
  return page.evaluate(([fn, arg]) => (window as unknown as { hss: PageApi }).hss[fn]!(arg), [
    name,
    url,
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

describe('the packed client in headless Chromium (from npm), against Prism over CORS', () => {
  test('runs the Chromium that @sparticuz/chromium carries, decompressed into this run', async () => {
    expect(executable).toBe(join(work, 'chromium', 'chromium'));
    expect(browser!.version()).toMatch(/^143\./);
    expect(ourChromiums().length).toBeGreaterThan(0);
  });

  test('the browser enforces CORS: an answer without CORS headers is kept from the page', async () => {
    const before = noCorsHits;
    const seen = await inPage<{ refused: boolean; name?: string }>('corsRefused', `${noCorsUrl}/`);
    expect(seen).toEqual({ refused: true, name: 'TypeError' });
    // Sent and answered, yet unreadable: the browser, not the network, refused it.
    expect(noCorsHits).toBe(before + 1);
  });

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
    expect(thrown!.problems).toEqual([expect.objectContaining({ path: 'export_headers[0][0]', rule: 'columnKeys' })]);
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
