// --help for every command: exit 0, usage, examples, the exit-code table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT_CODE_TABLE } from '../src/exit-codes.js';
import { runCli } from './support/run-cli.js';
import { kebabCase, specColumnKeys, specOperations } from './support/spec.js';

const exportColumnKeys = specColumnKeys();

const SPEC = readFileSync(new URL('../../../spec/hss-export.openapi.yaml', import.meta.url), 'utf8');

describe('--help', () => {
  it.each([
    [['--help'], 'hss-export containers [options]'],
    [['help'], 'hss-export containers [options]'],
    [['containers', '--help'], 'hss-export containers [filters]'],
    [['help', 'containers'], 'hss-export containers [filters]'],
    [['status', '-h'], 'hss-export status <taskId>'],
    [['download', '--help'], 'hss-export download <fileId>'],
    // Help wins over anything else on the line, even a bad flag.
    [['containers', '--bogus', '--help'], 'hss-export containers [filters]'],
  ])('%j prints usage and examples on stdout, exit 0', async (args, usage) => {
    const r = await runCli(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(usage);
    expect(r.stdout).toMatch(/^Examples:$/m);
    expect(r.stdout).toMatch(/^ {2}hss-export \w+/m);
    for (const [code, text] of EXIT_CODE_TABLE) expect(r.stdout).toContain(`${String(code).padEnd(4)}${text}`);
    expect(r.stderr).toBe('');
  });

  it('containers --help lists every column key from the spec with its default title', async () => {
    const r = await runCli(['containers', '--help']);
    for (const key of exportColumnKeys) expect(r.stdout).toContain(key);
    expect(r.stdout).toContain('"Container Name"');
    expect(r.stdout).toContain('"CPU Limit"');
  });

  it('containers --help lists the same --status and --cluster-type values as the spec', async () => {
    const r = await runCli(['containers', '--help']);
    const enums = [...SPEC.matchAll(/^\s+enum: \[([^\]]+)\]$/gm)].map((m) => m[1]!.split(',').map((v) => v.trim()));
    expect(enums.length).toBeGreaterThanOrEqual(2);
    // The flag's help, with the lines it wraps onto: "(one of a, b, …)".
    const valuesOf = (flag: string) => {
      const block = r.stdout.split(`\n  ${flag} `)[1]?.split(/\n {2}-/)[0] ?? '';
      return /\(one of ([^)]+)\)/.exec(block.replace(/\s+/g, ' '))?.[1]?.split(', ');
    };
    expect(enums).toContainEqual(valuesOf('--status'));
    expect(enums).toContainEqual(valuesOf('--cluster-type'));
  });

  it('no command prints the overview on stderr with exit 2', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage:');
  });

  it('an unknown command is a usage error naming the commands', async () => {
    const r = await runCli(['export']);
    expect(r.code).toBe(2);
    const generated = Object.keys(specOperations).map(kebabCase);
    expect(r.stderr).toContain(
      `unknown command "export" (commands: ${[...generated, 'containers', 'status', 'download'].join(', ')})`,
    );
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const r = await runCli(['--version']);
    expect(r).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });
});
