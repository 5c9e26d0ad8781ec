import { describe, expect, it } from 'vitest';
import { exportApi, PROJECT_ID } from './helpers.js';

describe('downloadExportedFile against the mock', () => {
  it('yields the file as bytes: the spec example is an empty zip archive', async () => {
    const response = await exportApi().downloadExportedFileRaw({ projectId: PROJECT_ID, fileId: 'file-1' });
    expect(response.raw.headers.get('sl-violations')).toBeNull();
    expect(response.raw.headers.get('content-type')).toMatch(/^application\/octet-stream/);
    const bytes = new Uint8Array(await (await response.value()).arrayBuffer());
    expect(bytes.length).toBe(22);
    expect([...bytes.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x05, 0x06]);
  });
});
