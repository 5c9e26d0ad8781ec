// One Prism for the suite (see prismGlobalSetup); tests read its URL with inject('prismUrl').
export { prismGlobalSetup as default } from '@hss-export/mock-server';

declare module 'vitest' {
  export interface ProvidedContext {
    prismUrl: string;
  }
}
