/** The GitHub workflows that test and deploy the bundle: the properties that keep them safe. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';
import YAML from 'yaml';

const ROOT = path.resolve(__dirname, '..');
type Step = { uses?: string; run?: string; name?: string };
type Workflow = { permissions: Record<string, string>; jobs: Record<string, { steps: Step[]; strategy?: { matrix: Record<string, unknown[]> }; services?: Record<string, unknown>; environment?: string }> };
const load = (name: string) => YAML.parse(readFileSync(path.join(ROOT, '.github', 'workflows', name), 'utf8')) as Workflow;

describe('workflows', () => {
  const ci = load('ci.yml');
  const deploy = load('deploy.yml');
  const steps = [ci, deploy].flatMap((w) => Object.values(w.jobs).flatMap((j) => j.steps));

  it('pin every action to a release tag (never a branch)', () => {
    for (const step of steps.filter((s) => s.uses)) expect(step.uses, step.uses).toMatch(/@v\d+(\.\d+)*$/);
    expect(steps.some((s) => s.uses?.startsWith('databricks/setup-cli@v'))).toBe(true);
  });

  it('test on Node 20 and 22 with a Postgres service, and run the Spark suites with Java 17 and Python 3.11', () => {
    expect(ci.jobs.node!.strategy!.matrix.node).toEqual([20, 22]);
    expect(ci.jobs.node!.services).toHaveProperty('postgres');
    const runs = ci.jobs.node!.steps.map((s) => s.run ?? '').join('\n');
    for (const command of ['npm ci', 'npm run lint', 'npm run typecheck', 'npm test', 'npm run test:e2e']) expect(runs).toContain(command);
    const spark = ci.jobs.spark!.steps;
    expect(spark.find((s) => s.uses?.startsWith('actions/setup-java'))).toMatchObject({ with: { 'java-version': '17' } });
    expect(spark.find((s) => s.uses?.startsWith('actions/setup-python'))).toMatchObject({ with: { 'python-version': '3.11' } });
    expect(spark.map((s) => s.run ?? '').join('\n')).toContain('scripts/test-notebooks.sh');
    expect(ci.permissions).toEqual({ contents: 'read' });
  });

  it('deploy with OIDC (no stored token), validate before deploy, run the app (it migrates its own store), then wait until it is ready', () => {
    expect(deploy.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const text = readFileSync(path.join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8');
    expect(text).toContain('DATABRICKS_AUTH_TYPE: github-oidc');
    expect(text).not.toMatch(/secrets\.DATABRICKS_TOKEN|DATABRICKS_CLIENT_SECRET/);
    const runs = deploy.jobs.deploy!.steps.map((s) => s.run ?? '');
    // The deploying principal never migrates the store: the app's own principal owns schema dqx.
    expect(runs.join('\n')).not.toContain('db:migrate');
    const order = ['bundle validate', 'bundle deploy', 'bundle run', '/api/ready'].map((c) => runs.findIndex((r) => r.includes(c)));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(deploy.jobs.deploy!.environment).toBe('${{ inputs.environment }}');
  });
});
