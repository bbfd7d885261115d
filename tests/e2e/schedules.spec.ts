import { expect, test } from '@playwright/test';

import { HistoryPage } from './pages/history-page';

/**
 * Scheduled checks from the History page (local mode): a cron that is not 5 fields, or a Notify
 * entry that is not an e-mail address, is named at its field (and the form says local mode sends no
 * e-mail); an every-minute schedule shows its next run, and within the minute the local scheduler
 * (ticking every 2 s here, DQX_SCHEDULER_TICK_MS) starts a validation run that History lists as
 * scheduled, with its quarantine and metrics written. The schedule is removed at the end, so no
 * other spec sees its runs.
 */
const TABLE = 'samples.web.campaigns';

test('a schedule set on History runs at its next slot as a scheduled run, with its outputs', async ({ page }) => {
  test.setTimeout(150_000);
  const saved = await page.request.post(`/api/v1/rule-sets/${TABLE}/versions`, {
    data: { rules: [{ name: 'campaign_known', criticality: 'error', check: { function: 'is_not_null', arguments: { column: 'campaign_id' } } }] },
  });
  expect(saved.status()).toBe(201);
  try {
    const history = new HistoryPage(page);
    await history.goto(TABLE);
    const section = page.getByRole('region', { name: 'Scheduled checks' });
    const form = section.getByRole('form', { name: 'Schedule' });
    await expect(form).toContainText('Not scheduled');
    await expect(form.getByRole('textbox', { name: 'Quarantine table' })).toHaveValue(`${TABLE}_dq_quarantine`);

    const cron = form.getByRole('textbox', { name: /^Cron/ });
    await cron.fill('every minute');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await expect(cron).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText('5-field');

    // who is e-mailed: databricks mode only, and the form says so here
    const notify = form.getByRole('textbox', { name: 'Notify (e-mail addresses)' });
    await expect(form).toContainText('local mode sends no e-mail');
    await notify.fill('dq-team@example.com, not-an-address');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await expect(notify).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText('notify_emails must hold e-mail addresses');

    await notify.fill('dq-team@example.com, oncall@example.com');
    await cron.fill('* * * * *');
    await form.getByLabel('Time zone').fill('Europe/Paris');
    await form.getByRole('button', { name: 'Save schedule' }).click();
    await expect(form.getByRole('status')).toContainText(`Schedule of ${TABLE} saved (next run `);
    const kept = (await (await page.request.get(`/api/v1/rule-sets/${TABLE}/schedule`)).json()) as { schedule: { notify_emails: string[] } };
    expect(kept.schedule.notify_emails).toEqual(['dq-team@example.com', 'oncall@example.com']);
    const status = form.getByTestId('schedule-status');
    await expect(status).toContainText('Next run:');
    await expect(status).toContainText('Europe/Paris: * * * * *');
    await expect(status).toContainText('Last scheduled run: none yet');

    // within the minute (and a tick), the slot runs and its outputs are written
    await expect
      .poll(
        async () => {
          const body = (await (await page.request.get(`/api/v1/rule-sets/${TABLE}/schedule`)).json()) as {
            schedule: { last_run_status: string | null; outputs_status: string | null };
          };
          return `${body.schedule.last_run_status}/${body.schedule.outputs_status}`;
        },
        { timeout: 100_000, intervals: [2_000] },
      )
      .toBe('succeeded/written');
    await page.reload();
    await expect(status).toContainText('succeeded');
    await expect(status).toContainText('outputs written');
    await expect(history.runs).toContainText('scheduled');
    // UPDATE_SCREENSHOTS=1 refreshes the picture in docs/monitoring.md
    if (process.env.UPDATE_SCREENSHOTS) await section.screenshot({ path: 'docs/images/monitoring-schedule.png' });
  } finally {
    await page.request.post(`/api/v1/rule-sets/${TABLE}/schedule/delete`);
  }
});
