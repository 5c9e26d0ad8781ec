import { onTestFinished } from 'vitest';
import { type CreateContainerExportTaskParams, createHssClient, type HssClientOptions } from '../../src/index.js';
import { startScriptedServer, type Step } from '@hss-export/mock/scripted';

export const PROJECT = 'project-1';
export const TOKEN = 'tok-SECRET-5f1e0c9a';
export const SK = 'sk-SECRET-9b2d7e41';
export const SECURITY_TOKEN = 'sts-SECRET-c3a8f602';
export const SECRETS = [TOKEN, SK, SECURITY_TOKEN];
export const SEED: CreateContainerExportTaskParams = { export_headers: [['container_name', 'Container Name']] };

export const CREATE = '/container/export-task$';
export const TASK = '/export-task/[^/]+$';
export const DOWNLOAD = '/download/[^/]+$';

/** A scripted server plus a client pointed at it; both are cleaned up after the test. */
export async function setup(routes: Record<string, Step[]>, options: HssClientOptions = {}) {
  const server = await startScriptedServer(routes);
  onTestFinished(() => server.close());
  const client = createHssClient({
    endpoint: server.url,
    projectId: PROJECT,
    credentials: { token: TOKEN },
    env: {},
    ...options,
  });
  return { server, client };
}

/** The rejection of a promise that must reject. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}
