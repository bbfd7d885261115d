import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';

import type { MonitoringOverview } from '@/lib/services/monitoring';

let overview: () => Promise<MonitoringOverview>;
vi.mock('@/lib/services/monitoring', () => ({ getMonitoringSummary: async () => (await overview()).summary }));
vi.mock('@/lib/auth', () => ({ getCaller: async () => ({ id: 'someone', mode: 'local' }) }));
vi.mock('@/lib/log', () => ({ log: { warn: vi.fn(), error: vi.fn(), info: vi.fn() } }));

const { HomeMonitoringSummary } = await import('./home-summary');

const summary = (counts: Partial<MonitoringOverview['summary']>): MonitoringOverview => {
  const s = { breach: 0, overdue: 0, failed: 0, no_run: 0, ok: 0, ...counts };
  return { generated_at: new Date().toISOString(), items: [], summary: { ...s, total: s.breach + s.overdue + s.failed + s.no_run + s.ok } };
};

describe('the home page summary of monitoring', () => {
  it('counts the monitored tables and links to the Monitoring page', async () => {
    overview = async () => summary({ breach: 2, overdue: 1, ok: 5 });
    const html = renderToStaticMarkup((await HomeMonitoringSummary())!);
    expect(html).toContain('aria-label="Monitoring summary"');
    expect(html).toContain('2 tables breaching, 1 overdue, 5 OK');
    expect(html).toMatch(/<a [^>]*href="\/monitoring"[^>]*>Open monitoring<\/a>/);
  });

  it('shows nothing when no table is monitored', async () => {
    overview = async () => summary({});
    expect(await HomeMonitoringSummary()).toBeNull();
  });

  it('shows nothing, and does not throw, when the overview cannot be read (the Generator still renders)', async () => {
    overview = async () => {
      throw new Error('the store is down');
    };
    expect(await HomeMonitoringSummary()).toBeNull();
  });
});
