// Reads the pending changesets and answers: what bump do they declare for the packages
// generated from the spec? Parsing is @changesets/parse, the parser `changeset version`
// itself uses (through @changesets/read), so front matter means exactly what it will mean
// at release time. The file filter is @changesets/read's: *.md except README.md and
// dotfiles. We don't call @changesets/read itself because it only reads a folder named
// `.changeset`, and the test fixtures keep one changesets folder per case.
import parseChangeset from '@changesets/parse';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUMPS = ['none', 'patch', 'minor', 'major'];

/** The packages the spec generates; used when the folder has no config.json. */
export const SPEC_PACKAGES = ['@hss-export/client', '@hss-export/types'];

/**
 * The packages whose version follows the spec: the `fixed` group containing the client in
 * `<dir>/config.json` (all of them release at the highest bump any of them gets), or
 * SPEC_PACKAGES when there is no config.
 */
export function specPackages(dir) {
  const configFile = join(dir, 'config.json');
  if (!existsSync(configFile)) return SPEC_PACKAGES;
  const config = JSON.parse(readFileSync(configFile, 'utf8'));
  const group = (config.fixed ?? []).find((g) => g.includes('@hss-export/client'));
  return group ?? SPEC_PACKAGES;
}

/**
 * @returns {{ bump: 'none'|'patch'|'minor'|'major', packages: string[], from: Array<{ file: string, name: string, type: string }> }}
 */
export function declaredBump(dir, packages = specPackages(dir)) {
  const files = existsSync(dir)
    ? readdirSync(dir).filter((f) => !f.startsWith('.') && f.endsWith('.md') && !/^README\.md$/i.test(f))
    : [];
  const from = [];
  for (const file of files.sort()) {
    let parsed;
    try {
      parsed = parseChangeset(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      throw new Error(`${join(dir, file)} is not a valid changeset: ${error.message}`);
    }
    for (const release of parsed.releases) {
      if (packages.includes(release.name)) from.push({ file, name: release.name, type: release.type });
    }
  }
  const bump = from.reduce((b, r) => (BUMPS.indexOf(r.type) > BUMPS.indexOf(b) ? r.type : b), 'none');
  return { bump, packages, from };
}
