/**
 * The Asset Bundle, checked offline: databricks.yml and every file it includes (and the optional
 * ones: Lakebase Provisioned, the model endpoint) against the bundle JSON Schema of the Databricks
 * CLI (a copy in tests/fixtures/databricks-bundle), then what `bundle validate` and a first deploy
 * would find that the schema cannot see: references resolve, the app's valueFrom names are app
 * resources (the model's both or neither), no principal is granted both at the top level and on a
 * resource, app names fit, jobs run as a dedicated principal in stage and prod and keep the app's
 * right to run them, and the jobs declare exactly the job contract's parameters and task keys.
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

/** The CLI's merge of included files: maps key by key, sequences concatenated. */
function merge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return [...(a as unknown[]), ...(b as unknown[])];
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
const OPTIONAL = ['resources/store/provisioned.yml', 'resources/optional/serving-endpoint.yml'];
const optionalFiles: [string, Doc][] = OPTIONAL.map((f) => [f, readYaml(path.join(ROOT, f))]);
/** The bundle as a platform engineer may configure it: Provisioned instead of Autoscaling, with the model. */
const alternative = [...files.filter(([f]) => f !== 'resources/store/autoscaling.yml'), ...optionalFiles].reduce<Doc>(
  (acc, [, doc]) => merge(acc, doc) as Doc,
  {},
);
type Permission = { level: string; group_name?: string; user_name?: string; service_principal_name?: string };
const principal = (p: Permission) => p.group_name ?? p.user_name ?? p.service_principal_name ?? '?';
type Target = { mode: string; variables?: Record<string, unknown>; permissions?: Permission[]; resources?: Doc; workspace?: { root_path?: string }; run_as?: unknown };
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

  it('includes the resources, the Autoscaling store, every target, and no model by default', () => {
    expect(includedFiles.map((f) => path.relative(ROOT, f))).toEqual([
      'resources/app.yml',
      'resources/jobs.yml',
      'resources/volumes.yml',
      'resources/store/autoscaling.yml',
      'environments/dev/target.yml',
      'environments/prod/target.yml',
      'environments/stage/target.yml',
    ]);
  });

  it.each([...files, ...optionalFiles].map(([name, doc]) => [name, doc] as const))('%s is valid', (_name, doc) => {
    const ok = validate(doc);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('is valid merged, as shipped and with Provisioned and the model', () => {
    expect(validate(bundle), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    expect(validate(alternative), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
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

  it('every ${resources.type.key...} names a defined resource, as shipped and with the optional files', () => {
    const resourceRefs = refs.filter((r) => r.ref.startsWith('resources.'));
    expect(resourceRefs.length).toBeGreaterThan(5);
    for (const { file, ref } of resourceRefs) {
      const [, type, key] = ref.split('.');
      expect(resources[type!]?.[key!], `${file}: \${${ref}}`).toBeDefined();
    }
    const altResources = alternative.resources as Record<string, Record<string, Doc>>;
    const altRefs = optionalFiles.flatMap(([file, doc]) => strings(doc).flatMap((s) => [...s.matchAll(/\$\{([^}]+)\}/g)].map((m) => ({ file, ref: m[1]! }))));
    for (const { file, ref } of altRefs) {
      if (ref.startsWith('var.')) expect(Object.keys(variables), file).toContain(ref.slice(4));
      if (!ref.startsWith('resources.')) continue;
      const [, type, key] = ref.split('.');
      expect(altResources[type!]?.[key!], `${file}: \${${ref}}`).toBeDefined();
    }
  });

  it('only bundle, workspace, var and resources references are used', () => {
    for (const { file, ref } of refs) expect(ref, file).toMatch(/^(var|resources|bundle|workspace)\./);
  });

  it("every valueFrom in app.yaml names one of the app's resources, and a bound model is read (both or neither)", () => {
    const appYaml = readYaml(path.join(ROOT, 'app.yaml')) as { command: string[]; env: { name: string; value?: string; valueFrom?: string }[] };
    expect(appYaml.command).toEqual(['npm', 'run', 'start']);
    const names = appResources.map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
    const valueFroms = appYaml.env.filter((e) => e.valueFrom).map((e) => e.valueFrom!);
    expect(valueFroms.length).toBeGreaterThanOrEqual(5);
    for (const v of valueFroms) expect(names).toContain(v);
    for (const e of appYaml.env) expect(Boolean(e.value) !== Boolean(e.valueFrom), e.name).toBe(true);
    expect(valueFroms.includes('serving-endpoint')).toBe(names.includes('serving-endpoint'));
    // The store binding is there whichever Lakebase is chosen, under the name app.yaml reads.
    expect(names).toContain('rule-store');
    const altNames = ((alternative.resources as Record<string, Record<string, Doc>>).apps!.dqx_app!.resources as { name: string }[]).map((r) => r.name);
    expect(altNames.filter((n) => n === 'rule-store')).toHaveLength(1);
  });

  it('binds no model endpoint by default (no endpoint, no resource)', () => {
    const kinds = (app.resources as Doc[]).map((r) => Object.keys(r).find((k) => k !== 'name' && k !== 'description'));
    expect(kinds).not.toContain('serving_endpoint');
    expect(readFileSync(path.join(ROOT, 'databricks.yml'), 'utf8')).toMatch(/^\s*# - resources\/optional\/serving-endpoint\.yml$/m);
  });

  it('never grants a principal both at the top level and on a resource (the CLI refuses that)', () => {
    const targets = bundle.targets as Record<string, Target>;
    for (const [name, target] of Object.entries(targets)) {
      const topLevel = [...((bundle.permissions as Permission[] | undefined) ?? []), ...(target.permissions ?? [])].map(principal);
      const merged = merge(resources, target.resources ?? {}) as Record<string, Record<string, Doc>>;
      for (const [type, byKey] of Object.entries(merged)) {
        for (const [key, resource] of Object.entries(byKey)) {
          for (const p of (resource.permissions as Permission[] | undefined) ?? []) {
            expect(topLevel, `${name}: ${type}.${key} grants ${principal(p)}`).not.toContain(principal(p));
          }
        }
      }
    }
  });

  it('keeps the app\'s right to run each job it binds (a job\'s permissions list is applied on every deploy)', () => {
    const bound = (app.resources as { job?: { id: string; permission: string } }[]).filter((r) => r.job).map((r) => r.job!);
    for (const grant of bound) {
      const key = /^\$\{resources\.jobs\.([a-z_]+)\.id\}$/.exec(grant.id)![1]!;
      expect(jobs[key]!.permissions as Permission[]).toContainEqual({
        level: grant.permission,
        service_principal_name: '${resources.apps.dqx_app.service_principal_client_id}',
      });
    }
  });

  it('names the app with 2 to 30 lower-case letters, digits and hyphens in every target', () => {
    const targets = bundle.targets as Record<string, Target>;
    for (const [name, target] of Object.entries(targets)) {
      const raw = String(target.variables?.app_name ?? variables.app_name!.default).replaceAll('${bundle.target}', name);
      // Development mode may prefix resource names with the deployer's short name: leave it 13 characters.
      const room = target.mode === 'development' ? 30 - 13 : 30;
      expect(raw, name).toMatch(/^[a-z0-9][a-z0-9-]*[a-z0-9]$/);
      expect(raw.length, `${name}: ${raw}`).toBeLessThanOrEqual(room);
    }
  });

  it('runs the jobs as a dedicated service principal in stage and prod, found by name', () => {
    const targets = bundle.targets as Record<string, Target>;
    for (const name of ['stage', 'prod']) {
      const target = targets[name]!;
      expect(target.variables?.jobs_run_as).toEqual({ lookup: { service_principal: `dqx-jobs-${name}` } });
      const targetJobs = (target.resources?.jobs ?? {}) as Record<string, { run_as?: unknown }>;
      expect(Object.keys(targetJobs).sort()).toEqual(Object.keys(jobs).sort());
      for (const job of Object.values(targetJobs)) expect(job.run_as).toEqual({ service_principal_name: '${var.jobs_run_as}' });
    }
    expect(targets.dev!.resources).toBeUndefined(); // dev: the jobs run as the deployer
  });

  it('states every prerequisite the resources need in docs/deployment.md', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'deployment.md'), 'utf8');
    const altResources = alternative.resources as Record<string, unknown>;
    if (altResources.database_catalogs) expect(doc).toContain('CREATE CATALOG');
    if (resources.schemas) expect(doc).toContain('CREATE SCHEMA');
    for (const needed of ['USE CATALOG', 'CAN_CONNECT_AND_CREATE', 'GRANT SELECT ON TABLE', 'dqx-jobs-stage', 'CAN QUERY', 'READ VOLUME', 'WRITE VOLUME']) {
      expect(doc, needed).toContain(needed);
    }
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

  it('deploys the scheduled-checks and alert-notice notebooks next to the validation notebook (the app runs them from there)', () => {
    // lib/jobs/databricks/monitoring-job.ts: <folder of validate_rules>/monitor_table, with the validation job's environment
    const validation = (jobs.dqx_validation as { tasks: { notebook_task: { notebook_path: string } }[] }).tasks[0]!.notebook_task.notebook_path;
    // and lib/jobs/databricks/alert-notice.ts: <same folder>/alert_notice, reading contract/constants.json beside it
    for (const notebook of ['monitor_table.py', 'alert_notice.py']) {
      expect(readFileSync(path.resolve(ROOT, 'resources', path.dirname(validation), notebook), 'utf8')).toMatch(/^# Databricks notebook source\n/);
    }
    const excluded = ((bundle.sync as { exclude?: string[] } | undefined)?.exclude ?? []).map((g) => new RegExp('^' + g.replace(/\./g, '\\.').replace(/\*\*/g, '.*').replace(/(?<!\.)\*/g, '[^/]*') + '$'));
    for (const file of ['notebooks/monitor_table.py', 'notebooks/dqx_jobs/monitoring.py', 'notebooks/contract/monitoring-parameters.schema.json', 'notebooks/alert_notice.py', 'notebooks/contract/constants.json']) {
      expect(existsSync(path.join(ROOT, file)), file).toBe(true);
      expect(excluded.some((re) => re.test(file)), `${file} is synced`).toBe(false);
    }
    expect(excluded.some((re) => re.test('notebooks/tests/test_monitoring.py')), 'the exclude patterns are really applied').toBe(true);
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

  it('stage and prod deploy to a shared folder, grant groups only, and no principal ids are hard-coded', () => {
    const targets = bundle.targets as Record<string, Target>;
    expect(Object.keys(targets).sort()).toEqual(['dev', 'prod', 'stage']);
    for (const name of ['stage', 'prod']) {
      const target = targets[name]!;
      expect(target.mode).toBe('production');
      expect(target.workspace?.root_path).toMatch(/^\/Workspace\/Shared\//);
      expect(target.workspace?.root_path).not.toMatch(/current_user|\/Users\//);
    }
    for (const [type, byKey] of Object.entries(resources)) {
      for (const [key, resource] of Object.entries(byKey)) {
        for (const p of (resource.permissions as Permission[] | undefined) ?? []) {
          const ok = p.group_name !== undefined || p.service_principal_name === '${resources.apps.dqx_app.service_principal_client_id}';
          expect(ok, `${type}.${key}: ${JSON.stringify(p)}`).toBe(true);
        }
      }
    }
    const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
    for (const [file, doc] of files) expect(JSON.stringify(doc), file).not.toMatch(uuid);
  });
});
