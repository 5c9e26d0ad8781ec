// Public entry point of @hss-export/client.
export { createHssClient, REDACT, type HssClient } from './client.js';
export type {
  AkSkCredentials,
  Credential,
  CredentialProvider,
  Credentials,
  HssClientOptions,
  Settings,
  TokenCredentials,
} from './config.js';
export * from './errors.js';
export {
  type ChainAttempt,
  CredentialSourceError,
  type CredentialSourceErrorCode,
  NoCredentialsError,
} from './credentials/errors.js';
export type { AkSkCredential, TokenCredential } from './credentials/types.js';
export type { ValidationProblem } from './validation.js';
export type { BinaryResponse, RequestOptions } from './request.js';
export type { ExportProgress, ExportResult, WaitOptions } from './workflow.js';
export type * from './generated/methods.js';
export type { RegionId } from './generated/regions.js';
// The models are the types package's own declarations, so the two can never drift.
export type * from '@hss-export/types';
