// Every model the spec defines, as types only: this package ships no JavaScript.
export type * from './generated/models/index.js';
