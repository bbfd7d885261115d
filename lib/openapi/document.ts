/**
 * The OpenAPI 3.1 document of /api/v1, built from OPERATIONS (./operations.ts): request schemas as
 * the handlers parse them (the input side of the same zod schemas), response schemas as the
 * services answer, every error status with the one error body.
 */
import { z } from 'zod';

import { API_ROUTES, EMPTY_BODY_MAX_BYTES, type ApiRoute } from '@/lib/http/api-surface';
import { INTEGER_TEXT } from '@/lib/services/safe-input';

import { ErrorBody } from './response-schemas';
import { OPERATIONS, type NamedSchema, type Operation } from './operations';

export const API_TITLE = 'DQX Data Quality Manager API';
export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const list = (x: NamedSchema | NamedSchema[] | undefined) => (x === undefined ? [] : Array.isArray(x) ? x : [x]);
const oneOrMany = (x: NamedSchema | NamedSchema[]) => {
  const items = list(x);
  return items.length === 1 ? ref(items[0]!.name) : { oneOf: items.map((s) => ref(s.name)) };
};

function clean(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function componentSchemas(): Record<string, JsonSchema> {
  const inputs = z.registry<{ id: string }>();
  const outputs = z.registry<{ id: string }>();
  const seen = new Map<string, z.ZodType>();
  const add = (registry: typeof inputs, named: NamedSchema) => {
    const existing = seen.get(named.name);
    if (existing && existing !== named.schema) throw new Error(`Two schemas are named ${named.name}`);
    if (existing) return;
    seen.set(named.name, named.schema);
    registry.add(named.schema, { id: named.name });
  };
  add(outputs, { name: 'ErrorBody', schema: ErrorBody });
  for (const op of OPERATIONS) {
    for (const named of list(op.body?.json)) add(inputs, named);
    for (const response of op.responses) for (const named of list(response.json)) add(outputs, named);
  }
  const options = { target: 'draft-2020-12' as const, uri: (id: string) => `#/components/schemas/${id}`, unrepresentable: 'any' as const };
  const converted = {
    ...(z.toJSONSchema(inputs, { ...options, io: 'input' }).schemas as Record<string, JsonSchema>),
    ...(z.toJSONSchema(outputs, { ...options, io: 'output' }).schemas as Record<string, JsonSchema>),
  };
  return Object.fromEntries(
    Object.keys(converted)
      .sort()
      .map((name) => [name, clean(converted[name]!)]),
  );
}

/**
 * A whole number read from text (`INTEGER_TEXT`) is documented as `type: integer` with its bounds
 * instead of zod's string-with-a-pattern, and with its default where the schema has one.
 */
function integerOverride(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const schema = ctx.zodSchema as z.ZodType;
  const bounds = INTEGER_TEXT.get(schema);
  if (bounds) {
    for (const key of ['type', 'pattern', 'format', 'minLength', 'maxLength']) delete ctx.jsonSchema[key];
    Object.assign(ctx.jsonSchema, { type: 'integer', ...bounds });
    return;
  }
  if (schema instanceof z.ZodDefault) {
    let inner = schema.def.innerType as z.ZodType;
    if (inner instanceof z.ZodOptional) inner = inner.def.innerType as z.ZodType;
    if (INTEGER_TEXT.has(inner)) ctx.jsonSchema.default = Number(schema.def.defaultValue);
  }
}

function queryParameters(schema: z.ZodType): JsonSchema[] {
  const json = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
    override: integerOverride,
  }) as JsonSchema;
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** The operation's errors, with 413 and 415 for every POST (route() enforces the declared body). */
function bodyErrors(op: Operation): Operation['errors'] {
  if (op.method !== 'post') return op.errors;
  const body = (API_ROUTES[op.operationId] as ApiRoute).body;
  const types = body ? body.mediaTypes.join(', ') : 'no body (or application/json)';
  const max = body ? body.maxBytes : EMPTY_BODY_MAX_BYTES;
  return {
    ...op.errors,
    413: `The body is larger than ${max} bytes.`,
    415: `The Content-Type is not one this operation takes: ${types}.`,
  };
}

function operationObject(op: Operation): JsonSchema {
  const parameters = [
    ...(op.pathParams ?? []).map((p) => ({
      name: p.name,
      in: 'path',
      required: true,
      description: p.description,
      schema: p.schema ?? { type: 'string' },
      ...(p.example === undefined ? {} : { example: p.example }),
    })),
    ...(op.query ? queryParameters(op.query) : []),
  ];
  const responses: Record<string, JsonSchema> = {};
  for (const r of op.responses) {
    const content: Record<string, JsonSchema> = {};
    if (r.json) content['application/json'] = { schema: oneOrMany(r.json) };
    for (const [type, other] of Object.entries(r.other ?? {})) content[type] = { schema: { ...other.schema, description: other.description } };
    responses[String(r.status)] = {
      description: r.description,
      ...(r.headers
        ? { headers: Object.fromEntries(Object.entries(r.headers).map(([h, d]) => [h, { description: d, schema: { type: 'string' } }])) }
        : {}),
      content,
    };
  }
  for (const [status, description] of Object.entries(bodyErrors(op)).sort(([a], [b]) => Number(a) - Number(b))) {
    const answer = responses[status] as { description: string; content: Record<string, { schema: JsonSchema }> } | undefined;
    if (answer) {
      // The status is an answer of its own (a health check's 503) as well as an error.
      const own = answer.content['application/json']?.schema;
      responses[status] = {
        description: `${answer.description} Or an error: ${description}`,
        content: { 'application/json': { schema: own ? { oneOf: [own, ref('ErrorBody')] } : ref('ErrorBody') } },
      };
      continue;
    }
    responses[status] = {
      description,
      ...(status === '429' || status === '503'
        ? { headers: { 'Retry-After': { description: 'Seconds after which trying again makes sense (when it does).', schema: { type: 'string' } } } }
        : {}),
      content: { 'application/json': { schema: ref('ErrorBody') } },
    };
  }
  let requestBody: JsonSchema | undefined;
  if (op.body) {
    const content: Record<string, JsonSchema> = {};
    if (op.body.json) content['application/json'] = { schema: oneOrMany(op.body.json) };
    for (const [type, other] of Object.entries(op.body.other ?? {})) content[type] = { schema: { ...other.schema, description: other.description } };
    requestBody = { required: true, description: op.body.description, content };
  }
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

let cached: JsonSchema | undefined;

/** The OpenAPI 3.1 document (built once per process). */
export function openApiDocument(): JsonSchema {
  if (cached) return cached;
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of OPERATIONS) {
    (paths[op.path] ??= {})[op.method] = operationObject(op);
  }
  cached = {
    openapi: '3.1.0',
    info: {
      title: API_TITLE,
      version: API_VERSION,
      description:
        'Generate, validate and version DQX data-quality rules for Unity Catalog tables. In databricks mode every request carries the user’s token (the Databricks Apps proxy adds it); each call acts as that user, and a table the user cannot read is answered with 404. Errors are `{error: {code, message, details?}}` with the status code.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: [
      { name: 'Catalog', description: 'Browse catalogs, schemas and tables as the caller sees them.' },
      { name: 'Rule sets', description: 'Versions of each table’s DQX rules: save, import, export, diff, activate (rollback).' },
      { name: 'Publishing', description: 'The active version written where DQX pipelines read it (DQX checks table, checks file), with its history.' },
      { name: 'Alerts', description: 'Thresholds per table and per rule, the alerts a breach and a recovery send, and the health of a table for uptime monitors.' },
      { name: 'Governance', description: 'Who may change a table’s rules (rights from Unity Catalog), proposals and their review, four eyes (docs/governance.md).' },
      { name: 'Runs', description: 'Generation and validation runs (background work with progress), failing rows, reports, AI analysis.' },
      { name: 'Audit', description: 'Who changed what and when, with the state before and after: the append-only audit trail, as pages and as an export.' },
      { name: 'Meta', description: 'This document.' },
    ],
    paths,
    components: { schemas: componentSchemas() },
  };
  return cached;
}
