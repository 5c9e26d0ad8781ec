// Comparison: the whole generated typescript-fetch runtime (anchors: 4.82 kB min / 1.77 kB gzip).
export * from '../../client/dist/generated/openapi/runtime.js';
