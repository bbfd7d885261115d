/**
 * Structured JSON logs on stdout/stderr. Fields whose name looks like a credential are replaced
 * before anything is written, and so are credentials inside text (a driver's error message that
 * quotes `password=...`, a bearer token, a Databricks personal access token), so a token passed by
 * mistake never reaches a log line.
 */
import { getConfig } from '@/lib/config';

type Level = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const SECRET_KEY = /token|secret|password|authorization|api[-_]?key|cookie/i;

/** Credentials written into text: `key=value` / `key: value` pairs, bearer tokens, Databricks PATs. */
const SECRET_IN_TEXT: [RegExp, string][] = [
  [/\b(password|passwd|pwd|token|secret|api[-_]?key|access[-_]?key)(\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s&;,'"]+)/gi, '$1$2[redacted]'],
  [/\bBearer\s+[A-Za-z0-9._~+/-]+=*/g, 'Bearer [redacted]'],
  [/\bdapi[0-9a-f]{32}(-\d+)?\b/gi, '[redacted]'],
];

/** Text with the credentials it quotes replaced. */
export function scrubText(text: string): string {
  return SECRET_IN_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (value instanceof Error) {
    return {
      name: value.name,
      message: scrubText(value.message),
      ...(value.cause !== undefined ? { cause: redact(value.cause, depth + 1) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? '[redacted]' : redact(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return scrubText(value);
  return value;
}

function minimumLevel(): number {
  try {
    return ORDER[getConfig().logLevel];
  } catch {
    return ORDER.info;
  }
}

function write(level: Level, message: string, fields?: Record<string, unknown>) {
  if (ORDER[level] < minimumLevel()) return;
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level,
    message: scrubText(message),
    ...(fields ? (redact(fields) as Record<string, unknown>) : {}),
  });
  if (level === 'error' || level === 'warn') process.stderr.write(line + '\n');
  else process.stdout.write(line + '\n');
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write('debug', message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write('info', message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write('warn', message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write('error', message, fields),
};
