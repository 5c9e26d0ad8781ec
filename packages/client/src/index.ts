// Public entry point of @hss-export/client.
export { createHssClient } from './client.js';
export type {
  CallOptions,
  CreateOptions,
  ExportFile,
  ExportProgress,
  ExportResult,
  HssClient,
  WaitOptions,
} from './client.js';
export type { AkSkCredentials, Credentials, HssClientOptions, TokenCredentials } from './config.js';
export * from './errors.js';
export type { ValidationProblem } from './validation.js';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
export { exportColumnKeys, regionEndpoints, type ExportColumnKey } from './generated/spec-rules.js';
// The spec's enums as values too (e.g. for a CLI's --help); same declarations as the types package's.
export {
  ContainerExportRequestClusterTypeEnum,
  ContainerExportRequestStatusEnum,
  ExportTaskStatus,
} from './generated/openapi/models/index.js';

// The generated fetch client, for callers who want the raw operations.
export { ExportApi } from './generated/openapi/apis/index.js';
export type {
  CreateContainerExportTaskRequest,
  DownloadExportedFileRequest,
  GetExportTaskRequest,
} from './generated/openapi/apis/index.js';
export {
  Configuration,
  ResponseError,
  FetchError,
  RequiredError,
  type ApiResponse,
  type ConfigurationParameters,
  type InitOverrideFunction,
  type Middleware,
} from './generated/openapi/runtime.js';

// The models are the types package's own declarations, so the two can never drift.
export type * from '@hss-export/types';
