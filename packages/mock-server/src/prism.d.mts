export declare const SPEC_PATH: string;
export declare function freePort(host?: string): Promise<number>;
export interface StartPrismOptions {
  port?: number;
  host?: string;
  spec?: string;
  log?: (line: string) => void;
  startTimeoutMs?: number;
  /** Aborting while Prism is still starting stops it and rejects with the signal's reason; once started, call stop(). */
  signal?: AbortSignal;
}
export interface RunningPrism {
  url: string;
  port: number;
  stop(): Promise<void>;
}
export declare function startPrism(options?: StartPrismOptions): Promise<RunningPrism>;
/** A vitest globalSetup that starts one Prism and provides its URL as `prismUrl`. */
export declare function prismGlobalSetup(project: {
  provide(key: 'prismUrl', value: string): void;
}): Promise<() => Promise<void>>;
