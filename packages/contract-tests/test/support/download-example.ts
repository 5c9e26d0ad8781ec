// The file the spec's download example is, as Prism serves it to anyone who asks for the
// download with no scenario (the spec's first 200 example): tests compare what the mock
// hands the client with this, so no size or byte of the example is written down twice.
import { expect, inject } from 'vitest';

export async function downloadExample(): Promise<Buffer> {
  const res = await fetch(`${inject('prismUrl')}/v5/p1/download/6f1c2a3b-export-file`, {
    headers: { 'X-Auth-Token': 'anything' },
  });
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  // A zip that holds a file, so a test cannot pass on an empty archive by accident.
  expect(bytes.subarray(0, 4).toString('latin1')).toBe('PK\x03\x04');
  return bytes;
}
