/**
 * The Asset Bundle, checked offline: databricks.yml and every file it includes against the
 * bundle JSON Schema of the Databricks CLI (a copy in tests/fixtures/databricks-bundle), then the
 * cross-references the schema cannot see: variables and resources that are referenced exist, the
 * app's valueFrom names are app resources, and the jobs declare exactly the job contract's
 * parameters and task keys, with DQX pinned to the version the conformance suite tests.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

import { JOB_CONTRACT_VERSION, JOB_PARAMETER_NAMES, JOB_TASK_KEYS } from '@/lib/jobs/contract';

const ROOT = path.resolve(__dirname, '..');
const SCHEMA_COPY = path.join(ROOT, 'tests', 'fixtures', 'databricks-bundle', 'bundle.schema.json');
const SHARED_SCHEMA = path.resolve(ROOT, '..', 'shared', 'schemas', 'databricks-bundle.schema.json');

type Doc = Record<string, unknown>;
const readYaml = (file: string) => YAML.parse(readFileSync(file, 'utf8')) as Doc;

/** `dir/*.yml` and `dir/*\/*.yml` patterns, as the CLI expands `include`. */
function expand(pattern: string): string[] {
  const parts = pattern.split('/');
  let paths = [ROOT];
  for (const part of parts) {
    const next: string[] = [];
    for (const base of paths) {
      if (!part.includes('*')) {
        next.push(path.join(base, part));
        continue;
      }
      if (!existsSync(base)) continue;
      const re = new RegExp('^' + part.replace(/\./g, '\\.').replace(/\*/g, '[^/]*') + '$');
      for (const name of readdirSync(base).sort()) if (re.test(name)) next.push(path.join(base, name));
    }
    paths = next;
  }
  return paths.filter((p) => existsSync(p) && p.endsWith('.yml'));
}

function merge(a: unknown, b: unknown): unknown {
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const out: Doc = { ...(a as Doc) };
    for (const [k, v] of Object.entries(b as Doc)) out[k] = k in out ? merge(out[k], v) : v;
    return out;
  }
  return b;
}

const root = readYaml(path.join(ROOT, 'databricks.yml'));
const includedFiles = (root.include as string[]).flatMap(expand);
const files: [string, Doc][] = [['databricks.yml', root], ...includedFiles.map((f): [string, Doc] => [path.relative(ROOT, f), readYaml(f)])];
const bundle = files.reduce<Doc>((acc, [, doc]) => merge(acc, doc) as Doc, {});
const resources = bundle.resources as Record<string, Record<string, Doc>>;
const variables = bundle.variables as Record<string, { default?: unknown }>;
const app = resources.apps!.dqx_app!;
const appResources = app.resources as { name: string }[];
const jobs = resources.jobs!;

function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => strings(v, out));
  return out;
}

describe('the bundle against the Databricks CLI bundle schema', () => {
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_COPY, 'utf8')) as object);

  it('includes the resources and every target', () => {
    expect(includedFiles.map((f) => path.relative(ROOT, f))).toEqual([
      'resources/app.yml',
      'resources/jobs.yml',
      'resources/lakebase.yml',
      'resources/volumes.yml',
      'environments/dev/target.yml',
      'environments/prod/target.yml',
      'environments/stage/target.yml',
    ]);
  });

  it.each(files.map(([name, doc]) => [name, doc] as const))('%s is valid', (_name, doc) => {
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is valid merged', () => {
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
  });

  it('catches a misspelt key (the schema is really applied)', () => {
    const broken = merge(bundle, { resources: { jobs: { dqx_generation: { max_concurent_runs: 2 } } } });
    expect(validate(broken)).toBe(false);
  });

  it('uses the schema the shared reference publishes, when that folder is present', () => {
    if (!existsSync(SHARED_SCHEMA)) return;
    expect(readFileSync(SCHEMA_COPY, 'utf8')).toBe(readFileSync(SHARED_SCHEMA, 'utf8'));
  });
});

describe('cross-references', () => {
  const refs = files.flatMap(([file, doc]) =>
    strings(doc).flatMap((s) => [...s.matchAll(/\$\{([^}]+)\}/g)].map((m) => ({ file, ref: m[1]! }))),
  );

  it('every ${var.x} is a declared variable', () => {
    for (const { file, ref } of refs.filter((r) => r.ref.startsWith('var.'))) {
      expect(Object.keys(variables), `${file}: \${${ref}}`).toContain(ref.slice(4));
    }
  });

  it('every ${resources.type.key...} names a defined resource', () => {
    const resourceRefs = refs.filter((r) => r.ref.startsWith('resources.'));
    expect(resourceRefs.length).toBeGreaterThan(5);
    for (const { file, ref } of resourceRefs) {
      const [, type, key] = ref.split('.');
      expect(resources[type!]?.[key!], `${file}: \${${ref}}`).toBeDefined();
    }
  });

  it('only bundle, workspace, var and resources references are used', () => {
    for (const { file, ref } of refs) expect(ref, file).toMatch(/^(var|resources|bundle|workspace)\./);
  });

  it("every valueFrom in app.yaml names one of the app's resources", () => {
    const appYaml = readYaml(path.join(ROOT, 'app.yaml')) as { command: string[]; env: { name: string; value?: string; valueFrom?: string }[] };
    expect(appYaml.command).toEqual(['npm', 'run', 'start']);
    const names = appResources.map((r) => r.name);
    const valueFroms = appYaml.env.filter((e) => e.valueFrom).map((e) => e.valueFrom!);
    expect(valueFroms.length).toBeGreaterThanOrEqual(5);
    for (const v of valueFroms) expect(names).toContain(v);
    for (const e of appYaml.env) expect(Boolean(e.value) !== Boolean(e.valueFrom), e.name).toBe(true);
  });

  it('the app asks users for the sql scope only and binds both jobs for running', () => {
    expect(app.user_api_scopes).toEqual(['sql']);
    const jobGrants = (app.resources as { job?: { id: string; permission: string } }[]).filter((r) => r.job).map((r) => r.job!);
    expect(jobGrants).toEqual([
      { id: '${resources.jobs.dqx_generation.id}', permission: 'CAN_MANAGE_RUN' },
      { id: '${resources.jobs.dqx_validation.id}', permission: 'CAN_MANAGE_RUN' },
    ]);
  });

  it.each([
    ['dqx_generation', 'generation'],
    ['dqx_validation', 'validation'],
  ] as const)('job %s declares exactly the %s contract parameters and task', (key, kind) => {
    const job = jobs[key] as {
      parameters: { name: string; default: string }[];
      tasks: { task_key: string; environment_key: string; notebook_task: { notebook_path: string } }[];
      environments: { environment_key: string; spec: { dependencies: string[] } }[];
      performance_target: string;
      queue: { enabled: boolean };
      timeout_seconds: number;
      max_concurrent_runs: number;
    };
    expect(job.parameters.map((p) => p.name)).toEqual(JOB_PARAMETER_NAMES[kind]);
    expect(job.parameters.find((p) => p.name === 'contract_version')?.default).toBe(String(JOB_CONTRACT_VERSION));
    expect(job.tasks.map((t) => t.task_key)).toEqual([JOB_TASK_KEYS[kind]]);
    const task = job.tasks[0]!;
    expect(existsSync(path.resolve(ROOT, 'resources', task.notebook_task.notebook_path))).toBe(true);
    expect(readFileSync(path.resolve(ROOT, 'resources', task.notebook_task.notebook_path), 'utf8')).toMatch(/^# Databricks notebook source\n/);
    const env = job.environments.find((e) => e.environment_key === task.environment_key)!;
    for (const dep of env.spec.dependencies) expect(dep, 'dependencies are pinned exactly').toMatch(/^[A-Za-z0-9_.[\]-]+==(\$\{var\.[a-z_]+\}|[0-9][0-9A-Za-z.]*)$/);
    expect(env.spec.dependencies.some((d) => /^databricks-labs-dqx(\[llm\])?==\$\{var\.dqx_version\}$/.test(d))).toBe(true);
    expect(job.performance_target).toBe('STANDARD');
    expect(job.queue.enabled).toBe(true);
    expect(job.timeout_seconds).toBeGreaterThan(0);
    expect(job.max_concurrent_runs).toBeGreaterThan(1);
  });

  it('pins the DQX version the conformance suite tests', () => {
    const requirements = readFileSync(path.join(ROOT, 'tests', 'conformance', 'requirements.txt'), 'utf8');
    const pinned = /^databricks-labs-dqx==(\S+)$/m.exec(requirements)?.[1];
    expect(variables.dqx_version?.default).toBe(pinned);
    const jsonschemaPin = /^jsonschema==(\S+)$/m.exec(requirements)?.[1];
    for (const job of Object.values(jobs)) {
      const deps = (job.environments as { spec: { dependencies: string[] } }[]).flatMap((e) => e.spec.dependencies);
      expect(deps).toContain(`jsonschema==${jsonschemaPin}`);
      // the notebooks' SQL sandbox (notebooks/dqx_jobs/sql_guard.py)
      expect(deps).toContain(`sqlglot==${/^sqlglot==(\S+)$/m.exec(requirements)?.[1]}`);
    }
  });

  it('stage and prod deploy to a shared folder with group permissions, and no principal ids are hard-coded', () => {
    const targets = bundle.targets as Record<string, { mode: string; workspace?: { root_path?: string }; permissions?: { group_name?: string; service_principal_name?: string; user_name?: string }[] }>;
    expect(Object.keys(targets).sort()).toEqual(['dev', 'prod', 'stage']);
    for (const name of ['stage', 'prod']) {
      const target = targets[name]!;
      expect(target.mode).toBe('production');
      expect(target.workspace?.root_path).toMatch(/^\/Workspace\/Shared\//);
      expect(target.workspace?.root_path).not.toMatch(/current_user|\/Users\//);
      expect(target.permissions?.length).toBeGreaterThan(0);
      for (const p of target.permissions ?? []) expect(p.group_name, JSON.stringify(p)).toBeDefined();
    }
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    for (const [file, doc] of files) expect(JSON.stringify(doc), file).not.toMatch(uuid);
  });
});
