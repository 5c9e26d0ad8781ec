// Finding the Prism processes this suite started, and what they were given, from /proc.
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  cmdline: string;
}

/** Processes whose command line contains every one of `parts` (Linux: from /proc). */
export function processesMatching(...parts: string[]): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ').trim();
    } catch {
      continue; // gone meanwhile
    }
    if (parts.every((p) => cmdline.includes(p))) found.push({ pid: Number(name), cmdline });
  }
  return found;
}

/** The process's environment as a map (Linux: /proc/<pid>/environ). */
export function environmentOf(pid: number): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** Direct children of a process (Linux: /proc/<pid>/task/<pid>/children). */
export function childrenOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Prism processes (and their leashes) serving this package's spec or one installed from its tarball. */
export function ourPrisms(): ProcessInfo[] {
  return [
    ...processesMatching('prism', 'mock', '/packages/mock/spec/'),
    ...processesMatching('prism', 'mock', 'hss-mock-tarballs-'),
  ];
}

/** Waits until `check` holds, polling; the deadline only guards against waiting forever. */
export async function until(what: string, check: () => boolean | Promise<boolean>, deadlineMs = 20_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`gave up after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Every process below `pid` in the tree (Linux). */
export function descendantsOf(pid: number): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const queue = [pid];
  while (queue.length) {
    let children: number[] = [];
    try {
      children = childrenOf(queue.shift()!);
    } catch {
      continue; // gone meanwhile
    }
    for (const child of children) {
      queue.push(child);
      try {
        found.push({
          pid: child,
          cmdline: readFileSync(`/proc/${child}/cmdline`, 'utf8').split('\0').join(' ').trim(),
        });
      } catch {}
    }
  }
  return found;
}

/** Whether the process exists and is not a zombie waiting to be reaped (Linux). */
export function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
