// startPrism() against a real Prism: it answers once started, stop() takes it down, and an
// abort while it is still starting stops it instead of waiting for it to come up.
import { describe, expect, it } from 'vitest';
import { freePort, startPrism } from '../src/prism.mjs';

/** True when something answers HTTP on the URL. */
async function answers(url) {
  try {
    await fetch(`${url}/__ready`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('startPrism', () => {
  it('serves the spec on 127.0.0.1 until stop() is called', async () => {
    const prism = await startPrism();
    try {
      expect(prism.url).toBe(`http://127.0.0.1:${prism.port}`);
      const res = await fetch(`${prism.url}/v5/p1/export-task/t1`, {
        headers: { 'X-Auth-Token': 'mock-token-not-a-credential' },
      });
      expect(res.status).toBe(200);
    } finally {
      await prism.stop();
    }
    expect(await answers(prism.url)).toBe(false);
  });

  it('an abort during start-up stops Prism and rejects with the abort reason', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const reason = new Error('interrupted by the test');
    const starting = startPrism({ port, signal: controller.signal });
    // Prism needs well over 50 ms to listen, so this lands mid start-up.
    setTimeout(() => controller.abort(reason), 50);
    await expect(starting).rejects.toBe(reason);
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
  });

  it('an already-aborted signal rejects before anything starts', async () => {
    const reason = new Error('aborted before the call');
    await expect(startPrism({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});
