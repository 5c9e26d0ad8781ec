import type { RunningPrism, StartPrismOptions } from '@hss-export/mock';

export type { RunningPrism, StartPrismOptions };
export declare const SPEC_PATH: string;
export declare function freePort(host?: string): Promise<number>;
/** Prism serving the repository's spec/ (unless `spec` says otherwise), without the scenario layer. */
export declare function startPrism(options?: StartPrismOptions): Promise<RunningPrism>;
/** A vitest globalSetup that starts one Prism and provides its URL as `prismUrl`. */
export declare function prismGlobalSetup(project: {
  provide(key: 'prismUrl', value: string): void;
}): Promise<() => Promise<void>>;
