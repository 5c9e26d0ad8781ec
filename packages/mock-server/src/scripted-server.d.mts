import type { IncomingHttpHeaders, ServerResponse } from 'node:http';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Step =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { reset: true }
  | ((res: ServerResponse, req: Received) => void);

export interface ScriptedServer {
  url: string;
  received: Received[];
  /** Requests whose path matches the route regex. */
  to(route: string): Received[];
  close(): Promise<void>;
}

export declare function startScriptedServer(routes: Record<string, Step[]>): Promise<ScriptedServer>;
