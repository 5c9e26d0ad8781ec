// The file Prism serves for the spec's download example, fetched the way any client would, so
// tests compare against what the spec says rather than a copy of its bytes or size.
import { expect, inject } from 'vitest';
import { PROJECT, TOKEN } from './run-cli.js';

export async function servedExample(): Promise<Buffer> {
  const res = await fetch(`${inject('prismUrl')}/v5/${PROJECT}/download/6f1c2a3b-export-file`, {
    headers: { 'X-Auth-Token': TOKEN },
  });
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  // A zip that holds a file, so a test cannot pass on an empty archive by accident.
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  return bytes;
}
