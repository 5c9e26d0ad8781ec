// Comparison: what a typescript-fetch API class needs from the generated runtime
// (anchors: 3.80 kB min / 1.42 kB gzip). The runtime is not a public entry point of the
// client package, so it is imported from the build output by path.
export { BaseAPI, Configuration } from '../../client/dist/generated/openapi/runtime.js';
