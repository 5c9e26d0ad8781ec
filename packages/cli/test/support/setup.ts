// After every test: no CLI child left running, and no credential in anything a child printed.
import { afterEach, expect } from 'vitest';
import { killChildren, SECRETS, takeOutputs } from './run-cli.js';

afterEach(() => {
  killChildren();
  for (const { stdout, stderr } of takeOutputs()) {
    for (const secret of SECRETS) {
      expect(stdout, 'a credential was printed on stdout').not.toContain(secret);
      expect(stderr, 'a credential was printed on stderr').not.toContain(secret);
    }
  }
});
