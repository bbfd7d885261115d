/**
 * Reading and writing DQX checks files (YAML or JSON): a list of checks in the metadata form.
 *
 * Reading follows DQX's `load_checks_from_local_file`: YAML through PyYAML's `safe_load` rules and
 * JSON through Python's `json` rules (so `yes`, `010`, `2.0` or `2024-01-01` mean what they mean to
 * DQX), and DQX's `{"__decimal__": "..."}` markers stand for Decimals. Writing produces text that
 * DQX reads back to the same checks, so export then import is identical in meaning.
 */
import { JsonTextError, parsePythonJson, stringifyPythonJson } from './checks-json';
import { YamlTextError, parsePyYaml, stringifyPyYaml } from './checks-yaml';
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
      data = text.trim() === '' ? null : parsePythonJson(text);
    } catch (error) {
      if (error instanceof JsonTextError) {
        const message = error.message.startsWith('The document is too large') ? error.message : `Not valid JSON: ${error.message}`;
        throw new ChecksFormatError(message, error.line, error.column);
      }
      throw error;
    }
  } else {
    try {
      data = parsePyYaml(text);
    } catch (error) {
      if (error instanceof YamlTextError) {
        const message =
          error.message.startsWith('Not valid YAML') || error.message.startsWith('The document is too large')
            ? error.message
            : `Not valid YAML: ${error.message}`;
        throw new ChecksFormatError(message, error.line, error.column);
      }
      throw error;
    }
  }
  // DQX: `yaml.safe_load(f) or []` / `json.load(f) or []`
  if (data === null || data === undefined || data === false || data === 0 || data === '')
    return { checks: [] };
  if (
    !Array.isArray(data) &&
    typeof data === 'object' &&
    Array.isArray((data as { checks?: unknown }).checks)
  ) {
    data = (data as { checks: unknown[] }).checks;
  }
  if (!Array.isArray(data)) throw new ChecksFormatError('A checks file must contain a list of checks.');
  return { checks: data };
}

/** The check as DQX would write it: known keys only, in the order of DQX's own examples. */
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

/** Write checks as DQX YAML or JSON, readable by DQX and by `parseChecksText` with the same meaning. */
export function serializeChecks(checks: DqxCheck[], format: ChecksFormat): string {
  const ordered = checks.map(orderKeys);
  if (format === 'json') return stringifyPythonJson(ordered) + '\n';
  return stringifyPyYaml(ordered);
}
