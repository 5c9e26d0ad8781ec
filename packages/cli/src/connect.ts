// From the connection flags and the environment to a client: the real API (credentials
// from HUAWEICLOUD_SDK_* / HSS_EXPORT_TOKEN, or a token piped into --token-stdin), or the
// Prism mock from @hss-export/mock, an optional peer dependency (--mock).
import { createHssClient, type Credentials, type HssClient, REDACT } from '@hss-export/client';
import type { Context, Stdin } from './context.js';
import { InterruptedError, UsageError } from './errors.js';
import { fetchFromEnv } from './proxy.js';
import { VERSION } from './version.js';

export interface ConnectionValues {
  region?: string | undefined;
  endpoint?: string | undefined;
  'project-id'?: string | undefined;
  'token-stdin'?: boolean | undefined;
  mock?: boolean | undefined;
  scenario?: string | undefined;
}

export interface Session {
  client: HssClient;
}

const MOCK_PROJECT_ID = 'mock-project';
// Prism checks that an X-Auth-Token is present, not what it says.
const MOCK_TOKEN = 'mock-token-not-a-credential';
const MOCK_PACKAGE = '@hss-export/mock';
const INSTALL_MOCK = 'npm i -D @hss-export/mock (or pnpm add -D @hss-export/mock) next to @hss-export/cli';

interface MockModule {
  freePort(): Promise<number>;
  startMock(options?: {
    port?: number;
    scenario?: string;
    log?: (line: string) => void;
    signal?: AbortSignal;
  }): Promise<{ url: string; stop(): Promise<void> }>;
}

/** Checks what can be checked before any network or mock work, with CLI wording. */
export function checkConnectionValues(values: ConnectionValues, env: Record<string, string | undefined>): void {
  if (values.region !== undefined && values.endpoint !== undefined) {
    throw new UsageError('--region and --endpoint are alternatives: pass one of them');
  }
  if (values.scenario !== undefined && !values.mock) {
    throw new UsageError('--scenario picks what the mock answers: add --mock, or leave --scenario out');
  }
  if (values.mock) {
    if (values.region !== undefined || values.endpoint !== undefined) {
      throw new UsageError('--mock runs against a local Prism mock: leave out --region and --endpoint');
    }
    return;
  }
  if (values.region === undefined && values.endpoint === undefined && !env.HUAWEICLOUD_SDK_REGION) {
    throw new UsageError(
      'no region: pass --region (e.g. ap-southeast-1) or --endpoint, or set HUAWEICLOUD_SDK_REGION. To try the CLI without an account, add --mock',
    );
  }
  // Credentials and the project ID may also come from the credentials file, the instance
  // metadata service or IAM (the client's provider chain); it says what is missing.
}

export async function connect(values: ConnectionValues, ctx: Context): Promise<Session> {
  checkConnectionValues(values, ctx.io.env);
  // The client refuses an endpoint with user:password@; the password must not be printed
  // on the way there either, e.g. in a suggested command.
  try {
    const { username, password } = new URL(values.endpoint ?? '');
    for (const part of [password, decodeURIComponent(password), `${username}:${password}`])
      if (password) ctx.secrets.add(part);
  } catch {}
  // The mock is a local server the CLI starts itself, so it never goes through a proxy and
  // the proxy variables are not read for it.
  const proxy = values.mock ? undefined : await fetchFromEnv(ctx.io.env);
  if (proxy) {
    for (const secret of proxy.secrets) ctx.secrets.add(secret);
    ctx.onCleanup(proxy.close);
  }
  let token: string | undefined;
  if (values['token-stdin']) {
    token = await readToken(ctx.io.stdin, ctx);
    ctx.secrets.add(token);
  }
  const userAgent = `hss-export-cli/${VERSION}`;
  let client: HssClient;
  if (values.mock) {
    const url = await startMock(ctx, values.scenario);
    client = createHssClient({
      endpoint: url,
      projectId: values['project-id'] ?? MOCK_PROJECT_ID,
      credentials: { token: token ?? MOCK_TOKEN },
      // Real credentials stay out of it: nothing from the environment is read or sent.
      env: {},
      userAgent,
    });
  } else {
    const credentials: Credentials | undefined = token === undefined ? undefined : { token };
    client = createHssClient({
      region: values.region,
      endpoint: values.endpoint,
      projectId: values['project-id'],
      credentials,
      env: ctx.io.env,
      userAgent,
      fetch: proxy?.fetch,
    });
  }
  // Whatever the client has to hide (credentials from a file or the metadata service too),
  // the CLI's output hides as well.
  ctx.secrets.addRedactor((client as unknown as Record<symbol, (text: string) => string>)[REDACT]!);
  if (ctx.debug) {
    const settings = await client.settings();
    ctx.debugLog(
      `endpoint ${client.endpoint}, credentials from ${settings.credentialSource}, project ${settings.projectId} from ${settings.projectIdSource} (values hidden)`,
    );
  }
  if (proxy) ctx.debugLog(proxy.describe(client.endpoint));
  return { client };
}

async function startMock(ctx: Context, scenario: string | undefined): Promise<string> {
  let mockModule: MockModule;
  try {
    // A variable specifier: @hss-export/mock (Prism and its dependencies) is an optional peer
    // that only --mock needs, and bundlers must not try to pull it in.
    const specifier = MOCK_PACKAGE;
    mockModule = (await import(specifier)) as MockModule;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') {
      throw new UsageError(`--mock needs the @hss-export/mock package, which is not installed: ${INSTALL_MOCK}`);
    }
    throw error;
  }
  if (typeof mockModule.startMock !== 'function' || typeof mockModule.freePort !== 'function') {
    throw new UsageError(
      `--mock: the installed @hss-export/mock has no startMock(); install the version released with this CLI: ${INSTALL_MOCK}`,
    );
  }
  const port = await mockModule.freePort();
  ctx.err.line(`Starting the Prism mock of the HSS export API on http://127.0.0.1:${port} …`);
  // Passing the signal: Ctrl-C during a slow start-up stops Prism at once instead of after it.
  let prism: { url: string; stop(): Promise<void> };
  try {
    prism = await mockModule.startMock({
      port,
      signal: ctx.signal,
      ...(scenario !== undefined ? { scenario } : {}),
      ...(ctx.debug ? { log: (line: string) => ctx.debugLog(`prism: ${line}`) } : {}),
    });
  } catch (error) {
    // An unknown scenario is the one start-up failure the user's flags caused.
    if (error instanceof Error && error.message.startsWith('unknown scenario')) {
      throw new UsageError(`--scenario: ${error.message}`);
    }
    throw error;
  }
  ctx.onCleanup(() => prism.stop());
  ctx.state.mock = true;
  ctx.err.line(
    `Using the Prism mock at ${prism.url}${scenario === undefined ? '' : ` (scenario ${scenario})`} — no Huawei Cloud account or network needed.`,
  );
  if (ctx.signal.aborted) throw ctx.signal.reason;
  return prism.url;
}

/**
 * The token from stdin: everything piped in, trimmed. On a terminal, read one line without
 * echoing it, so it shows neither on screen nor in the scrollback.
 */
export async function readToken(stdin: Stdin, ctx: Pick<Context, 'err' | 'signal'>): Promise<string> {
  const text = stdin.isTTY && stdin.setRawMode ? await readHiddenLine(stdin, ctx) : await readAll(stdin, ctx.signal);
  const token = text.trim();
  if (!token)
    throw new UsageError(
      '--token-stdin: stdin was empty; pipe the IAM token in, e.g. `pass show hss-token | hss-export ...`',
    );
  if (/\s/.test(token))
    throw new UsageError('--token-stdin: the token read from stdin contains whitespace; pass exactly one token');
  return token;
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

async function readAll(stdin: Stdin, signal: AbortSignal): Promise<string> {
  const read = (async () => {
    const chunks: string[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    return chunks.join('');
  })();
  return Promise.race([read, aborted(signal)]);
}

function readHiddenLine(stdin: Stdin, ctx: Pick<Context, 'err' | 'signal'>): Promise<string> {
  ctx.err.write('IAM token (input hidden, Enter to finish): ');
  return new Promise((resolve, reject) => {
    let text = '';
    let finished = false;
    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      ctx.err.line();
      if (error === undefined) resolve(text);
      else reject(error);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (char === '\r' || char === '\n' || char === '\u0004') return finish();
        // Raw mode turns Ctrl-C into a character instead of SIGINT.
        if (char === '\u0003') return finish(new InterruptedError('SIGINT'));
        if (char === '\u007f' || char === '\b') text = text.slice(0, -1);
        else text += char;
      }
    };
    ctx.signal.addEventListener('abort', () => finish(ctx.signal.reason), { once: true });
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}
