// Named scenarios: for each operation, the answers Prism gives in turn, as a status code and
// the name of one of the spec's own examples for it. Prism stays the engine and the spec the
// data; a scenario only picks, per request, which documented answer comes next.

/** The spec's operationIds. */
export type OperationId = 'createContainerExportTask' | 'getExportTask' | 'downloadExportedFile';

export const OPERATIONS: readonly OperationId[] = [
  'createContainerExportTask',
  'getExportTask',
  'downloadExportedFile',
];

/** One answer: a status code the spec defines for the operation and one of its example names. */
export interface Answer {
  code: number;
  example: string;
}

export interface Scenario {
  name: string;
  description: string;
  /** Per operation, the answers in order; the last one repeats. Operations left out answer as in `default`. */
  answers: Record<OperationId, readonly Answer[]>;
}

const created: Answer = { code: 200, example: 'seed' };
const running: Answer = { code: 200, example: 'running' };
const success: Answer = { code: 200, example: 'success' };
const failure: Answer = { code: 200, example: 'failure' };
const zip: Answer = { code: 200, example: 'containersZip' };
const wrongCredentials: Answer = { code: 401, example: 'wrongCredentials' };
const tokenExpired: Answer = { code: 401, example: 'tokenExpired' };

const DEFAULT_ANSWERS: Record<OperationId, readonly Answer[]> = {
  createContainerExportTask: [created],
  getExportTask: [success],
  downloadExportedFile: [zip],
};

const everyCall = (answer: Answer): Record<OperationId, readonly Answer[]> => ({
  createContainerExportTask: [answer],
  getExportTask: [answer],
  downloadExportedFile: [answer],
});

const NAMED: readonly Scenario[] = [
  {
    name: 'default',
    description: 'create → status success → download the zip (the spec’s first examples)',
    answers: DEFAULT_ANSWERS,
  },
  {
    name: 'failure',
    description: 'the task is running, then ends in failure (final: no file to download)',
    answers: { ...DEFAULT_ANSWERS, getExportTask: [running, failure] },
  },
  {
    name: 'rate-limited',
    description: 'the first create is throttled (429, nothing created); the retry creates the task',
    answers: { ...DEFAULT_ANSWERS, createContainerExportTask: [{ code: 429, example: 'throttled' }, created] },
  },
  {
    name: 'server-error',
    description: 'the first create fails with 500 (a retry could duplicate the task; a second create would succeed)',
    answers: { ...DEFAULT_ANSWERS, createContainerExportTask: [{ code: 500, example: 'internal' }, created] },
  },
  {
    name: 'unauthorized',
    description: 'every call is refused with 401 APIGW.0301 (wrong credentials)',
    answers: everyCall(wrongCredentials),
  },
  {
    name: 'token-expired',
    description: 'every call is refused with 401 APIGW.0307 (the token must be renewed)',
    answers: everyCall(tokenExpired),
  },
];

const STATUS_ANSWERS: Record<string, Answer> = { running, success, failure };
const SEQUENCE = /^(running|success|failure)(,(running|success|failure))*$/;

/** The named scenarios, for listings and help. */
export const SCENARIOS: readonly Pick<Scenario, 'name' | 'description'>[] = NAMED.map(({ name, description }) => ({
  name,
  description,
}));

export const SEQUENCE_HELP =
  'or a comma list of task statuses the status call answers in turn, e.g. running,running,success (the last one repeats)';

/** The scenario with this name, or undefined. */
export function findScenario(name: string): Scenario | undefined {
  const named = NAMED.find((s) => s.name === name);
  if (named) return named;
  if (!SEQUENCE.test(name)) return undefined;
  const statuses = name.split(',');
  return {
    name,
    description: `the status call answers ${statuses.join(', then ')}`,
    answers: { ...DEFAULT_ANSWERS, getExportTask: statuses.map((s) => STATUS_ANSWERS[s]!) },
  };
}

/** The scenario, or an error that lists what exists. */
export function scenarioOrThrow(name: string): Scenario {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(unknownScenarioMessage(name));
  return scenario;
}

export function unknownScenarioMessage(name: string): string {
  return `unknown scenario "${name}": use one of ${NAMED.map((s) => s.name).join(', ')}, ${SEQUENCE_HELP}`;
}
