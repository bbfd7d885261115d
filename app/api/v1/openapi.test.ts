/**
 * The OpenAPI document describes exactly the routes that exist: every route.ts under app/api/v1
 * with its exported methods is in the document, and the document names no other route or method.
 * Every $ref resolves, and every schema compiles.
 */
import fs from 'node:fs';
import path from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';

import { API_ROUTES, type ApiRoute } from '@/lib/http/api-surface';
import { openApiDocument } from '@/lib/openapi/document';
import { OPERATIONS } from '@/lib/openapi/operations';
import { VersionNumber } from '@/lib/services/rule-set-schemas';

const API_DIR = path.join(__dirname);
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

function routeFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return routeFiles(full);
    return entry.name === 'route.ts' ? [full] : [];
  });
}

/** app/api/v1/rule-sets/[table]/versions/route.ts -> /api/v1/rule-sets/{table}/versions */
function openApiPath(file: string): string {
  const rel = path.relative(API_DIR, path.dirname(file)).split(path.sep).filter(Boolean);
  const segments = rel.filter((s) => !(s.startsWith('(') && s.endsWith(')'))).map((s) => s.replace(/^\[(.+)\]$/, '{$1}'));
  return ['/api/v1', ...segments].join('/');
}

type Doc = {
  paths: Record<
    string,
    Record<string, { operationId: string; requestBody?: { content: Record<string, unknown> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>
  >;
  components: { schemas: Record<string, unknown> };
};

describe('the OpenAPI document', () => {
  const doc = openApiDocument() as unknown as Doc;

  it('has every route and method that exists, and nothing else', async () => {
    const implemented: string[] = [];
    for (const file of routeFiles(API_DIR)) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) if (typeof mod[method] === 'function') implemented.push(`${method.toLowerCase()} ${openApiPath(file)}`);
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(implemented.length).toBeGreaterThan(15);
    expect(documented.sort()).toEqual(implemented.sort());
  });

  it('has each handler declare the operation of its path and method, with the body media types route() accepts', async () => {
    for (const file of routeFiles(API_DIR)) {
      const mod = (await import(file)) as Record<string, unknown>;
      for (const method of METHODS) {
        const handler = mod[method] as { operationId?: keyof typeof API_ROUTES } | undefined;
        if (!handler) continue;
        const declared = API_ROUTES[handler.operationId!] as ApiRoute | undefined;
        expect(declared, `${method} ${file} declares no operation`).toBeDefined();
        expect(`${declared!.method} ${declared!.path}`).toBe(`${method.toLowerCase()} ${openApiPath(file)}`);
        const op = doc.paths[declared!.path]![declared!.method]!;
        expect(op.operationId).toBe(handler.operationId);
        expect(Object.keys(op.requestBody?.content ?? {}).sort(), `${handler.operationId} body media types`).toEqual([...(declared!.body?.mediaTypes ?? [])].sort());
      }
    }
  });

  it('resolves every $ref and compiles every schema', () => {
    const text = JSON.stringify(doc);
    for (const [, name] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas, name).toHaveProperty(name!);
    }
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    ajv.addSchema({ $id: 'https://dqx.local/openapi.json', components: doc.components });
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          for (const [type, media] of Object.entries(response.content ?? {})) {
            const schema = JSON.parse(JSON.stringify(media.schema).replaceAll('"#/components/', '"https://dqx.local/openapi.json#/components/'));
            expect(() => ajv.compile(schema), `${method} ${p} ${status} ${type}`).not.toThrow();
          }
        }
      }
    }
  });

  it('documents the error body for every error status', () => {
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(Object.keys(op.responses), `${method} ${p}`).toEqual(expect.arrayContaining(['401', '500']));
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400) {
            const schema = response.content?.['application/json']?.schema;
            // A health check's 503 is an answer with a body of its own, or the error body.
            const expected =
              op.operationId === 'getTableHealth' && status === '503'
                ? { oneOf: [{ $ref: '#/components/schemas/TableHealth' }, { $ref: '#/components/schemas/ErrorBody' }] }
                : { $ref: '#/components/schemas/ErrorBody' };
            expect(schema, `${method} ${p} ${status}`).toEqual(expected);
          }
        }
      }
    }
  });

  it('types every paging and numeric parameter as an integer with the bounds the handlers enforce', () => {
    type Param = { name: string; in: string; schema: Record<string, unknown> };
    const ops = doc.paths as unknown as Record<string, Record<string, { parameters?: Param[] }>>;
    const numeric: string[] = [];
    for (const op of OPERATIONS) {
      for (const param of ops[op.path]![op.method]!.parameters ?? []) {
        const where = `${op.method} ${op.path} ${param.in} ${param.name}`;
        // no number is left described as text that happens to be digits
        expect(String(param.schema.pattern ?? ''), where).not.toMatch(/\[0-9\]|\\d/);
        // the smallest value of each whole-number parameter (a rule index counts from 0)
        const least: Record<string, number> = { page: 1, page_size: 1, limit: 1, version: 1, from: 1, to: 1, rule_index: 0 };
        // the audit trail's from/to are dates, not version numbers
        const isDate = op.path.startsWith('/api/v1/audit') && ['from', 'to'].includes(param.name);
        if (least[param.name] === undefined || isDate) {
          expect(param.schema.type, where).not.toBe('integer');
          continue;
        }
        numeric.push(where);
        const { minimum, maximum } = param.schema as { minimum: number; maximum: number };
        expect(param.schema.type, where).toBe('integer');
        expect(minimum, where).toBe(least[param.name]);
        expect(Number.isSafeInteger(maximum) && maximum > minimum, where).toBe(true);
        // the documented bounds are the parser's: both ends accepted, one past either end refused
        const refused = (value: number) => {
          const text = String(value);
          if (param.in === 'path') return !VersionNumber.safeParse(text).success;
          const parsed = op.query!.safeParse({ [param.name]: text });
          return !parsed.success && parsed.error.issues.some((issue) => issue.path[0] === param.name);
        };
        expect([refused(minimum - 1), refused(minimum), refused(maximum), refused(maximum + 1)], where).toEqual([true, false, false, true]);
        if (param.schema.default !== undefined) expect(refused(param.schema.default as number), where).toBe(false);
      }
    }
    // page and page_size of the three paged lists and the audit trail's page_size; limit x2,
    // version x2, from and to; the rule index of failing rows and of their export
    expect(numeric.filter((w) => / (page|page_size)$/.test(w))).toHaveLength(7);
    expect(numeric.filter((w) => / rule_index$/.test(w))).toHaveLength(2);
    expect(numeric).toHaveLength(15);
  });
  it('names every property and parameter in snake_case, requests and responses alike', () => {
    const names: string[] = [];
    const offending: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((child, i) => walk(child, `${at}[${i}]`));
      if (!node || typeof node !== 'object') return;
      const obj = node as Record<string, unknown>;
      const props = obj.properties && typeof obj.properties === 'object' ? Object.keys(obj.properties) : [];
      const param = typeof obj.in === 'string' && typeof obj.name === 'string' ? [obj.name] : [];
      for (const name of [...props, ...param]) {
        names.push(name);
        if (!/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/.test(name)) offending.push(`${at}: ${name}`);
      }
      for (const [key, child] of Object.entries(obj)) walk(child, `${at}.${key}`);
    };
    walk(doc, '$');
    // the walk reaches the catalog, rule-set, run and error schemas (not a vacuous pass)
    expect(names).toEqual(expect.arrayContaining(['full_name', 'row_count', 'native_type', 'rule_index', 'request_id', 'table_name']));
    expect(offending).toEqual([]);
  });
});
