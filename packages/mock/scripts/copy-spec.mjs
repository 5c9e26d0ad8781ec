// The published package serves the spec it was built from, so it carries a copy:
// ../../spec stays the one source, and this copy (git-ignored) is refreshed on every build.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(pkg, '../../spec/hss-export.openapi.yaml');
const to = join(pkg, 'spec/hss-export.openapi.yaml');
mkdirSync(dirname(to), { recursive: true });
copyFileSync(from, to);
