/** Reading and writing DQX checks files (YAML or JSON): a list of checks in the metadata form. */
import YAML from 'yaml';

import type { ChecksFormat, DqxCheck } from './model';

export class ChecksFormatError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = 'ChecksFormatError';
  }
}

function detectFormat(text: string): ChecksFormat {
  const first = text.trimStart()[0];
  return first === '[' || first === '{' ? 'json' : 'yaml';
}

/**
 * Parse a checks file. Returns the raw list (validation is a separate step, so that every problem
 * can be reported against its rule). A document that is a single mapping with a `checks` key is
 * accepted too. Throws ChecksFormatError with the line of a syntax error.
 */
export function parseChecksText(text: string, format?: ChecksFormat): { checks: unknown[] } {
  const kind = format ?? detectFormat(text);
  let data: unknown;
  if (kind === 'json') {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new ChecksFormatError(`Not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const doc = YAML.parseDocument(text, { uniqueKeys: false });
    if (doc.errors.length > 0) {
      const first = doc.errors[0]!;
      const pos = first.linePos?.[0];
      throw new ChecksFormatError(`Not valid YAML: ${first.message.split('\n')[0]}`, pos?.line, pos?.col);
    }
    data = doc.toJS();
  }
  if (data === null || data === undefined) return { checks: [] };
  if (!Array.isArray(data) && typeof data === 'object' && Array.isArray((data as { checks?: unknown }).checks)) {
    data = (data as { checks: unknown[] }).checks;
  }
  if (!Array.isArray(data)) throw new ChecksFormatError('A checks file must contain a list of checks.');
  return { checks: data };
}

/** Write checks as DQX YAML or JSON. Key order follows DQX's own files. */
export function serializeChecks(checks: DqxCheck[], format: ChecksFormat): string {
  const ordered = checks.map(orderKeys);
  if (format === 'json') return JSON.stringify(ordered, null, 2) + '\n';
  return YAML.stringify(ordered, { lineWidth: 0, defaultStringType: 'PLAIN', defaultKeyType: 'PLAIN' });
}

function orderKeys(check: DqxCheck): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (check.name !== undefined) out.name = check.name;
  out.criticality = check.criticality ?? 'error';
  const inner: Record<string, unknown> = { function: check.check.function };
  if (check.check.for_each_column !== undefined) inner.for_each_column = check.check.for_each_column;
  if (check.check.arguments !== undefined) inner.arguments = check.check.arguments;
  out.check = inner;
  if (check.filter !== undefined) out.filter = check.filter;
  if (check.message_expr !== undefined) out.message_expr = check.message_expr;
  if (check.user_metadata !== undefined) out.user_metadata = check.user_metadata;
  return out;
}
