// Human-readable durations and sizes for progress lines and messages.

/** 850 ms -> "850ms", 65 000 ms -> "1m 05s", 3 725 000 ms -> "1h 02m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  const totalSeconds = Math.floor(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h) return m ? `${h}h ${String(m).padStart(2, '0')}m` : `${h}h`;
  if (m) return s ? `${m}m ${String(s).padStart(2, '0')}s` : `${m}m`;
  return `${s}s`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** 22 -> "22 B", 1 234 567 -> "1.2 MiB". */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit]}`;
}

/** Bytes per second over `elapsedMs`, as "1.2 MiB/s"; "-" while too early to tell. */
export function formatRate(bytes: number, elapsedMs: number): string {
  if (elapsedMs < 50) return '-';
  return `${formatBytes(Math.round((bytes * 1000) / elapsedMs))}/s`;
}
