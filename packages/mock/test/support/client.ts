// The client, from its built dist by path rather than as a workspace dependency: the client's
// own tests depend on mock-server, which depends on this package, so a dependency back from
// here would be a cycle (turbo.json builds the client before these tests instead).
export * from '../../../client/dist/index.js';
export { downloadExportToFile } from '../../../client/dist/node/index.js';
