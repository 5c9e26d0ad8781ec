// The generated fetch client (one class per spec tag, plus openapi-generator's runtime).
export * from './generated/openapi/apis/index.js';
export {
  Configuration,
  ResponseError,
  FetchError,
  RequiredError,
  type ConfigurationParameters,
  type Middleware,
  type InitOverrideFunction,
  type ApiResponse,
} from './generated/openapi/runtime.js';
// The models are the types package's own declarations, so the two can never drift.
export type * from '@hss-export/types';
