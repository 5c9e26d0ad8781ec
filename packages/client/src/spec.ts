// @hss-export/client/spec: the spec as data, for tools built on the client (the CLI's
// commands and --help come from it). Not imported by the client itself, so its prose
// stays out of browser bundles.
export { operations, schemas, type OperationId } from './generated/operations.js';
export { operationDocs, type OperationDoc } from './generated/docs.js';
export { servers } from './generated/regions.js';
export type { Answer, Operation, Parameter, Schema } from './operation.js';
