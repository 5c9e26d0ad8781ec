// createHssClient: the entry point. One method per spec operation (generated), the export
// workflow on top of them, all over one request path.
import { type HssClientOptions, resolveConfig } from './config.js';
import { bindOperations } from './generated/bind.js';
import type { HssOperations } from './generated/methods.js';
import { createCore } from './request.js';
import type { Workflow } from './workflow.js';

/** The client's redaction, for the helpers in `@hss-export/client/node` and the CLI. */
export const REDACT = Symbol.for('@hss-export/client.redact');

export interface HssClient extends HssOperations, Workflow {
  readonly endpoint: string;
  /** The explicit project ID, if one was passed; `settings()` has the one in use. */
  readonly projectId: string | undefined;
  readonly region: string | undefined;
  /**
   * Where the credentials and the project ID come from. Runs the provider chain (once) if
   * they were not passed; every call does this too, so calling it is only needed to fail
   * fast or to say which source is used.
   */
  settings(): Promise<{ credentialSource: string; projectId: string; projectIdSource: string }>;
}

/**
 * A client for the HSS export API. Settings left out come from the environment the
 * official Huawei SDKs read (`HUAWEICLOUD_SDK_*`); missing or contradictory settings throw
 * ConfigError here, before anything is sent.
 */
export function createHssClient(options: HssClientOptions = {}): HssClient {
  const config = resolveConfig(options);
  const { call, redact } = createCore(config);
  const api = bindOperations(call);
  // Loaded on first use, like the signer: an app that only creates tasks does not ship it.
  let workflow: Promise<Workflow> | undefined;
  const load = () => (workflow ??= import('./workflow.js').then((m) => m.bindWorkflow(api, config.loopback)));
  const client: HssClient = {
    endpoint: config.endpoint,
    projectId: config.projectId,
    region: config.region,
    settings: async () => {
      const s = await config.settings();
      return { credentialSource: s.credentials.source, projectId: s.projectId, projectIdSource: s.projectIdSource };
    },
    ...api,
    waitForExportTask: async (...args) => (await load()).waitForExportTask(...args),
    exportContainers: async (...args) => (await load()).exportContainers(...args),
  };
  return Object.defineProperty(client, REDACT, { value: redact });
}
