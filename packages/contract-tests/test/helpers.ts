import { inject } from 'vitest';
import { Configuration, ExportApi, ResponseError, type InitOverrideFunction } from '@hss-export/client';

export const PROJECT_ID = '0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const SEED_BODY = {
  export_headers: [
    ['container_name', 'Container Name'],
    ['image_name', 'Image Name'],
    ['risky', 'Security Risk'],
  ],
};

/** The generated client pointed at this suite's Prism, with or without a token. */
export function exportApi(options: { token?: string | null } = {}): ExportApi {
  const token = options.token === undefined ? 'test-token' : options.token;
  return new ExportApi(
    new Configuration({
      basePath: inject('prismUrl'),
      headers: token === null ? {} : { 'X-Auth-Token': token },
    }),
  );
}

/** Per-call override that asks Prism for a given documented response. */
export function prefer(value: string): InitOverrideFunction {
  return async ({ init }) => ({ headers: { ...(init.headers as Record<string, string>), Prefer: value } });
}

/** Runs a call that must fail and returns what a caller can read from the thrown error. */
export async function rejection(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error('expected the call to be rejected');
    },
    (e: unknown) => e,
  );
  if (!(error instanceof ResponseError)) throw error;
  return {
    status: error.response.status,
    violations: error.response.headers.get('sl-violations'),
    body: (await error.response.json()) as { error_code: string; error_msg: string; request_id?: string },
  };
}
