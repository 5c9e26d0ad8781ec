// Every command `hss-export --help` lists, and the commands made from the spec's
// operations: their --help shows every flag of the operation, and each one runs against
// Prism with only its required flags and with every flag. The expected flags are read
// from @hss-export/client/spec, so a new parameter in the spec is tested without an edit
// here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Operation, Schema } from '@hss-export/client/spec';
import { describe, expect, inject, it } from 'vitest';
import { fieldFlags } from '../../src/flags.js';
import { entries, jsonOf, runCli, scripted, tempDir } from '../support/run-cli.js';
import { servedExample } from '../support/prism-example.js';
import { CREATE, created, DOWNLOAD, succeeded, TASK, zipFile } from '../support/scripted-server.js';
import { follow, kebabCase, specFields, specOperations } from '../support/spec.js';

const OPERATIONS: Operation[] = Object.values(specOperations);

/**
 * The friendly commands and the operation each takes its flags from, with the fields they
 * replace by hand-made flags or an argument (the only hand-made part, as in the README).
 */
const FRIENDLY: Record<string, { op: Operation; replaced: Record<string, string[]> }> = {
  containers: {
    op: specOperations.createContainerExportTask,
    replaced: { export_headers: ['--column'], create_time: ['--created-after', '--created-before'] },
  },
  status: { op: specOperations.getExportTask, replaced: { task_id: ['<taskId>'] } },
  download: { op: specOperations.downloadExportedFile, replaced: { file_id: ['<fileId>'] } },
};
const CONNECTION_AND_OUTPUT = [
  '--region',
  '--endpoint',
  '--project-id',
  '--token-stdin',
  '--mock',
  '--json',
  '--debug',
];

const isBoolean = (schema: Schema) => follow(schema).type === 'boolean';

/** The commands `hss-export --help` names: `  hss-export <name> …` lines. */
async function listedCommands(): Promise<string[]> {
  const r = await runCli(['--help']);
  expect(r.code).toBe(0);
  const names = [...r.stdout.matchAll(/^ {2}hss-export ([a-z][a-z-]*)(?= |$)/gm)].map((m) => m[1]!);
  return [...new Set(names)];
}

/** What the help of `command` must show: every flag of its operation, in the spec's names. */
function expectedHelp(command: string): { flags: string[]; negated: string[]; shown: string[] } {
  const friendly = FRIENDLY[command];
  const op = friendly?.op ?? OPERATIONS.find((o) => kebabCase(o.id) === command);
  if (!op) throw new Error(`hss-export --help lists ${command}, which is neither an operation nor a friendly command`);
  const fields = specFields(op);
  // The CLI's own table agrees with the spec: no field lost or renamed on the way.
  expect(fieldFlags(op).map((f) => f.flag)).toEqual(fields.map((f) => kebabCase(f.name)));
  const kept = fields.filter((f) => !friendly || !Object.hasOwn(friendly.replaced, f.name));
  return {
    flags: kept.map((f) => `--${kebabCase(f.name)}`),
    negated: kept.filter((f) => isBoolean(f.schema)).map((f) => `--no-${kebabCase(f.name)}`),
    shown: friendly ? Object.values(friendly.replaced).flat() : [],
  };
}

describe('--help of every command', () => {
  it('hss-export --help lists a command for every operation, and the friendly ones', async () => {
    const listed = await listedCommands();
    expect(listed.sort()).toEqual([...OPERATIONS.map((o) => kebabCase(o.id)), ...Object.keys(FRIENDLY)].sort());
  });

  it('each one exits 0 and shows every flag of its operation', async () => {
    const listed = await listedCommands();
    expect(listed.length).toBeGreaterThan(Object.keys(FRIENDLY).length);
    for (const command of listed) {
      const r = await runCli([command, '--help']);
      expect(r.code, `${command} --help`).toBe(0);
      expect(r.stderr).toBe('');
      const { flags, negated, shown } = expectedHelp(command);
      // A flag starts a help line (the description may follow on the same or the next line).
      const starts = new Set([...r.stdout.matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((m) => m[1]!));
      for (const flag of [...flags, ...CONNECTION_AND_OUTPUT])
        expect(starts, `${command} --help: ${flag}`).toContain(flag);
      for (const flag of negated) expect(r.stdout, `${command} --help: ${flag}`).toContain(`(${flag})`);
      for (const text of shown) expect(r.stdout, `${command} --help: ${text}`).toContain(text);
    }
  });
});

/** A value the schema allows, with every property of an object filled in; strings say whose they are. */
function validValue(schema: Schema | undefined, name = 'v'): unknown {
  const s = follow(schema);
  if (s.enum) return s.enum[s.enum.length - 1];
  switch (s.type) {
    case 'string':
      return name.padEnd(s.minLength ?? 1, 'v').slice(0, s.maxLength ?? name.length);
    case 'integer':
    case 'number':
      return s.maximum !== undefined ? Math.min(s.maximum, Math.max(s.minimum ?? 1, 2)) : Math.max(s.minimum ?? 1, 2);
    case 'boolean':
      return true;
    case 'array': {
      const items = follow(s.items);
      const one = (): unknown => {
        if (!items.columnKeys) return validValue(items);
        // A [key, title] pair: the key from the spec's list, the title any text.
        const rest = Array.from({ length: Math.max(1, (items.minItems ?? 2) - 1) }, () =>
          validValue(items.items, 'Title'),
        );
        return [items.columnKeys.at(-1), ...rest];
      };
      return Array.from({ length: Math.max(1, s.minItems ?? 1) }, one);
    }
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, validValue(v, k)]));
    default:
      return 'v';
  }
}

type Field = ReturnType<typeof specFields>[number];

/** The command-line words for one field: `--x value`, `--x`/`--no-x`, JSON for the rest. */
function flagArgs(f: Field, negate = false): string[] {
  const flag = `--${kebabCase(f.name)}`;
  const s = follow(f.schema);
  if (s.type === 'boolean') return [negate ? `--no-${kebabCase(f.name)}` : flag];
  const value = validValue(s, f.name);
  if (s.type === 'array' && !['array', 'object'].includes(follow(s.items).type ?? '')) {
    return (value as unknown[]).flatMap((v) => [flag, String(v)]);
  }
  return [flag, typeof value === 'object' ? JSON.stringify(value) : String(value)];
}

const fileAnswer = (op: Operation) => Object.values(op.responses).some((a) => a.kind === 'bytes');

describe.each(OPERATIONS.map((op) => [kebabCase(op.id), op] as const))('hss-export %s', (name, op) => {
  const fields = specFields(op);
  // Every flag once with booleans as --x, once as --no-x (when the operation has any).
  const variants = fields.some((f) => isBoolean(f.schema)) ? [false, true] : [false];
  const prism = () => ['--endpoint', inject('prismUrl')];

  async function expectSuccess(args: string[], dir: string) {
    const r = await runCli([name, ...args, ...prism(), '--json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const answer = jsonOf(r);
    if (fileAnswer(op)) {
      const example = await servedExample();
      expect(answer).toEqual({ path: expect.stringMatching(/\.zip$/), bytes: example.length });
      expect(readFileSync(answer.path as string)).toEqual(example);
    } else {
      expect(Object.keys(answer).length).toBeGreaterThan(0);
      expect(answer).not.toHaveProperty('error');
    }
    return answer;
  }

  it('against Prism, with only its required flags', async () => {
    const dir = tempDir();
    const required = fields.filter((f) => f.required);
    await expectSuccess(
      required.flatMap((f) => flagArgs(f)),
      dir,
    );
    // A file answer without --out lands in the current folder under a timestamped name.
    if (fileAnswer(op))
      expect(entries(dir)).toEqual([expect.stringMatching(new RegExp(`^hss-${name}-\\d{8}T\\d{6}Z\\.zip$`))]);
  });

  it.each(variants)('against Prism, with every flag (booleans negated: %s)', async (negate) => {
    const dir = tempDir();
    const out = fileAnswer(op) ? ['--out', join(dir, 'every.zip')] : [];
    const answer = await expectSuccess([...fields.flatMap((f) => flagArgs(f, negate)), ...out], dir);
    if (fileAnswer(op)) expect(answer.path).toBe(join(dir, 'every.zip'));
  });

  it.each(variants)('every flag reaches the request, under its API name (booleans negated: %s)', async (negate) => {
    const s = await scripted({ [CREATE]: [created()], [TASK]: [succeeded()], [DOWNLOAD]: [zipFile()] });
    const dir = tempDir();
    const out = fileAnswer(op) ? ['--out', join(dir, 'every.zip')] : [];
    const r = await runCli([
      name,
      ...fields.flatMap((f) => flagArgs(f, negate)),
      ...out,
      '--endpoint',
      s.url,
      '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(s.received).toHaveLength(1);
    const [request] = s.received;
    const url = new URL(request!.url, s.url);
    const body = request!.body ? (JSON.parse(request!.body) as Record<string, unknown>) : {};
    for (const f of fields) {
      const expected = isBoolean(f.schema) ? !negate : validValue(f.schema, f.name);
      const where = op.params.find((p) => p.name === f.name)?.in ?? 'body';
      if (where === 'query') expect(url.searchParams.getAll(f.name), f.name).toEqual([expected].flat().map(String));
      else if (where === 'path')
        expect(url.pathname.split('/'), f.name).toContain(encodeURIComponent(String(expected)));
      else if (where === 'header') expect(request!.headers[f.name.toLowerCase()], f.name).toBe(String(expected));
      else expect(body[f.name], f.name).toEqual(expected);
    }
  });
});
