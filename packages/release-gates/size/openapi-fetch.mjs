// Comparison: openapi-fetch's client factory, its default export (anchors: 6.43 kB min /
// 2.55 kB gzip at 0.17.0).
export { default as createClient } from 'openapi-fetch';
