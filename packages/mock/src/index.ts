// Public entry point of @hss-export/mock.
export { readSession, type RunningMock, type StartMockOptions, scenarioUrl, startMock } from './mock.js';
export {
  SCENARIO_HEADER,
  SESSION_HEADER,
  type LoggedRequest,
  type SessionReport,
} from './layer.js';
export { findScenario, type OperationId, OPERATIONS, type Scenario, SCENARIOS } from './scenarios.js';
export {
  freePort,
  prismEnvironment,
  type RunningPrism,
  SPEC_PATH,
  type StartPrismOptions,
  startPrism,
} from './prism.js';
