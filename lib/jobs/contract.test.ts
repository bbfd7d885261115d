import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import {
  contractJsonSchemas,
  contractSchemaFileText,
  encodeJobParameters,
  GenerationJobParametersSchema,
  INLINE_RULES_LIMIT_BYTES,
  JobOutputSchema,
  MonitoringJobParametersSchema,
  ValidationJobParametersSchema,
} from './contract';

const CONTRACT_DIR = path.resolve(__dirname, '..', '..', 'notebooks', 'contract');

describe('exported JSON Schema files', () => {
  it('are up to date with lib/jobs/contract.ts (run `npm run jobs:contract` after a change)', () => {
    const expected = contractJsonSchemas();
    const committed = readdirSync(CONTRACT_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(committed).toEqual(Object.keys(expected).sort());
    for (const [file, schema] of Object.entries(expected)) {
      expect(readFileSync(path.join(CONTRACT_DIR, file), 'utf8'), file).toBe(contractSchemaFileText(schema));
    }
  });
});

describe('encodeJobParameters', () => {
  const table = { catalog: 'main', schema: 'sales', table: 'orders' };

  it('turns a generation request into string job parameters with an explicit sample size', () => {
    const params = encodeJobParameters(
      { kind: 'generation', runId: 'run-1', table, userPrompt: 'ids are unique', sampleLimit: 50_000, aiAssisted: true },
      { resultsVolume: '/Volumes/main/dqx/results', llmEndpoint: 'databricks-claude-sonnet-4-5' },
    );
    expect(params).toEqual({
      contract_version: '1',
      run_id: 'run-1',
      catalog: 'main',
      schema: 'sales',
      table: 'orders',
      results_volume: '/Volumes/main/dqx/results',
      user_prompt: 'ids are unique',
      sample_limit: '50000',
      sample_fraction: '1',
      sample_seed: '',
      criticality: 'error',
      profile_options: '{}',
      ai_assisted: 'true',
      llm_endpoint: 'databricks-claude-sonnet-4-5',
    });
    expect(Object.values(params).every((v) => typeof v === 'string')).toBe(true);
  });

  it('sends "no limit" as an empty sample_limit, never a silent default', () => {
    const params = encodeJobParameters({ kind: 'generation', runId: 'r', table, sampleLimit: null });
    expect(GenerationJobParametersSchema.parse(params).sample_limit).toBe('');
  });

  it('sends rules inline, or only the path when they were uploaded', () => {
    const rules = [{ criticality: 'error' as const, check: { function: 'is_not_null', arguments: { column: 'id' } } }];
    const inline = ValidationJobParametersSchema.parse(encodeJobParameters({ kind: 'validation', runId: 'r', table, rules }));
    expect(JSON.parse(inline.rules)).toEqual(rules);
    expect(inline.rules_path).toBe('');
    const uploaded = ValidationJobParametersSchema.parse(
      encodeJobParameters({ kind: 'validation', runId: 'r', table, rules }, { rulesPath: '/Volumes/c/s/v/runs/r/rules.json' }),
    );
    expect(uploaded.rules).toBe('');
    expect(uploaded.rules_path).toBe('/Volumes/c/s/v/runs/r/rules.json');
    expect(INLINE_RULES_LIMIT_BYTES).toBeLessThan(10_000);
  });

  it('refuses bad input instead of sending it', () => {
    expect(() => encodeJobParameters({ kind: 'generation', runId: 'a b', table, sampleLimit: 10 })).toThrow();
    expect(() => encodeJobParameters({ kind: 'generation', runId: 'r', table, sampleLimit: 0 })).toThrow();
    expect(() => encodeJobParameters({ kind: 'validation', runId: 'r', table, rules: [] })).toThrow();
    expect(() =>
      encodeJobParameters({ kind: 'generation', runId: 'r', table, sampleLimit: 1 }, { resultsVolume: '/Volumes/a/b/../c' }),
    ).toThrow();
    expect(() =>
      encodeJobParameters({ kind: 'generation', runId: 'r', table, sampleLimit: 1 }, { llmEndpoint: 'https://evil.example' }),
    ).toThrow();
  });
});

describe('JobOutputSchema', () => {
  it('accepts a failure envelope and rejects an envelope of another contract version', () => {
    const failure = { contract_version: 1, run_id: 'r', kind: 'validation', ok: false, error: { cause: 'x', hint: 'y', type: 'z' } };
    expect(JobOutputSchema.safeParse(failure).success).toBe(true);
    expect(JobOutputSchema.safeParse({ ...failure, contract_version: 2 }).success).toBe(false);
  });
});

describe('recorded notebook outputs (tests/fixtures/jobs, produced on local Spark)', () => {
  const dir = path.resolve(__dirname, '..', '..', 'tests', 'fixtures', 'jobs');
  const recordings = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f, JSON.parse(readFileSync(path.join(dir, f), 'utf8'))] as const);

  it('exist for success, failure and large output', () => {
    expect(recordings.map(([f]) => f).sort()).toEqual([
      'generation-success.json',
      'generation-table-not-found.json',
      'monitoring-no-checks.json',
      'monitoring-success.json',
      'validation-invalid-rules.json',
      'validation-large-output.json',
      'validation-success.json',
    ]);
  });

  it.each(recordings)('%s matches the contract on both sides', (_file, recording) => {
    const paramsSchema =
      recording.kind === 'generation'
        ? GenerationJobParametersSchema
        : recording.kind === 'monitoring'
          ? MonitoringJobParametersSchema
          : ValidationJobParametersSchema;
    expect(paramsSchema.safeParse(recording.job_parameters).success).toBe(true);
    const text: string = 'exit' in recording.notebook ? recording.notebook.exit : recording.notebook.raised.message.split('DQX_JOB_ERROR:')[1];
    const output = JobOutputSchema.parse(JSON.parse(text));
    expect(output.run_id).toBe(recording.job_parameters.run_id);
    for (const file of Object.values(recording.volume_files as Record<string, string>)) JobOutputSchema.parse(JSON.parse(file));
  });
});
