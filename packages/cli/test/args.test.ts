import { describe, expect, it } from 'vitest';
import { defaultTitle, parseColumns, parseCommand, parseDuration, parseIsoDate } from '../src/args.js';
import { UsageError } from '../src/errors.js';
import { fieldFlags, paramsFrom } from '../src/flags.js';
import { specColumnKeys, specOperations } from './support/spec.js';

const exportColumnKeys = specColumnKeys();

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['30', 30_000],
    ['1.5m', 90_000],
  ])('%s -> %i ms', (text, ms) => expect(parseDuration('--timeout', text)).toBe(ms));

  it.each(['', 'soon', '-5s', '0', '10 minutes', '5d', '30days'])('rejects %j', (text) => {
    expect(() => parseDuration('--timeout', text)).toThrow(UsageError);
  });
});

describe('parseIsoDate', () => {
  it.each([
    ['2026-01-31', Date.UTC(2026, 0, 31)],
    ['2026-01-31T12:00:00Z', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T12:00:00.250Z', Date.UTC(2026, 0, 31, 12, 0, 0, 250)],
    // A time without a zone is UTC, so every machine sends the same range.
    ['2026-01-31T12:00', Date.UTC(2026, 0, 31, 12)],
    ['2026-01-31T12:00:00+08:00', Date.UTC(2026, 0, 31, 4)],
    ['2026-01-31T12:00:00+0800', Date.UTC(2026, 0, 31, 4)],
  ])('%s -> epoch milliseconds', (text, ms) => expect(parseIsoDate('--created-after', text)).toBe(ms));

  it.each([
    'yesterday',
    '31/01/2026',
    'Jan 31 2026',
    '2026-02-30',
    '2026-13-01',
    '2026-01-31T25:00Z',
    '1969-12-31',
    '1769860800',
  ])('rejects %j with a usage error naming the flag', (text) => {
    expect(() => parseIsoDate('--created-after', text)).toThrow(/--created-after must be an ISO 8601 date/);
  });
});

describe('columns', () => {
  it('derives titles from keys', () => {
    expect(defaultTitle('container_name')).toBe('Container Name');
    expect(defaultTitle('container_id')).toBe('Container ID');
    expect(defaultTitle('cpu_limit')).toBe('CPU Limit');
  });

  it('defaults to every known column, in the spec order', () => {
    expect(parseColumns(undefined, exportColumnKeys)).toEqual(exportColumnKeys.map((k) => [k, defaultTitle(k)]));
  });

  it('keeps the order given and takes titles after the first "="', () => {
    expect(
      parseColumns(['risky=Security Risk', 'image_name', 'container_name=Name = what it is called'], exportColumnKeys),
    ).toEqual([
      ['risky', 'Security Risk'],
      ['image_name', 'Image Name'],
      ['container_name', 'Name = what it is called'],
    ]);
  });

  it('rejects unknown keys, listing the valid ones', () => {
    expect(() => parseColumns(['container'], exportColumnKeys)).toThrow(
      `unknown column key "container"; valid keys are: ${exportColumnKeys.join(', ')}`,
    );
  });

  it('rejects duplicates and empty titles', () => {
    expect(() => parseColumns(['risky', 'risky=Risk'], exportColumnKeys)).toThrow('column risky is given twice');
    expect(() => parseColumns(['risky='], exportColumnKeys)).toThrow(/needs a title/);
  });
});

describe('parseCommand', () => {
  const options = { out: { type: 'string' }, force: { type: 'boolean' }, 'created-after': { type: 'string' } } as const;

  it('suggests the closest option for a typo', () => {
    expect(() => parseCommand(['--created-afer', 'x'], options, [])).toThrow(
      'unknown option --created-afer (did you mean --created-after?)',
    );
  });

  it('never echoes the value of an unknown --opt=value', () => {
    expect(() => parseCommand(['--secret=hunter22'], options, [])).toThrow(/there is no --secret option/);
    expect(() => parseCommand(['--whatever=hunter22'], options, [])).toThrow(/^unknown option --whatever$/);
  });

  it('points credential flags at the environment and --token-stdin', () => {
    expect(() => parseCommand(['--token', 'abc'], options, [])).toThrow(/credentials never go in flags.*--token-stdin/);
  });

  it('reports a missing value and extra arguments', () => {
    expect(() => parseCommand(['--out'], options, [])).toThrow('--out needs a value');
    expect(() => parseCommand(['--out', '--force'], options, [])).toThrow(/--out needs a value/);
    expect(() => parseCommand(['a', 'b'], options, ['id'])).toThrow('unexpected argument "b"');
  });

  it('reads whole numbers only', () => {
    // Integer flags come from the spec now (flags.ts), parsed by paramsFrom.
    const flags = fieldFlags(specOperations.createContainerExportTask);
    expect(paramsFrom(flags, { 'export-size': '500' })).toEqual({ export_size: 500 });
    expect(() => paramsFrom(flags, { 'export-size': '5e2' })).toThrow(/--export-size must be a whole number/);
  });
});
