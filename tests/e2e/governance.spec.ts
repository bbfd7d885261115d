import { expect, test, type Browser, type BrowserContext } from '@playwright/test';

/**
 * Proposals and review (docs/governance.md), in local mode with the e2e roles file
 * (tests/e2e/support/roles.yaml): reader-rita can read samples.web.campaigns, steward-sam is its
 * steward. The reader proposes rules, sees that she cannot approve them; the steward reviews them
 * with the diff against the active version and the rows each new rule would fail, and approves one
 * (it becomes the active version) and rejects another, which needs a reason the reader then sees.
 */
const TABLE = 'samples.web.campaigns';
const REVIEW = /\/history\/samples\.web\.campaigns\/proposals\/[0-9a-f-]{36}$/;

const rule = (name: string, check: Record<string, unknown>) => ({ name, criticality: 'error', check });
const idPresent = rule('campaign_id_present', { function: 'is_not_null', arguments: { column: 'campaign_id' } });
const knownChannel = rule('channel_known', { function: 'is_in_list', arguments: { column: 'channel', allowed: ["'email'", "'search'", "'social'"] } });
const namePresent = rule('name_present', { function: 'is_not_null', arguments: { column: 'name' } });

const as = (browser: Browser, user: string) => browser.newContext({ extraHTTPHeaders: { 'x-dqx-local-user': user } });

async function propose(context: BrowserContext, rules: unknown[], prompt: string): Promise<{ id: string; version: number }> {
  const res = await context.request.post(`/api/v1/rule-sets/${TABLE}/versions`, { data: { rules, user_prompt: prompt } });
  expect(res.status()).toBe(201);
  const body = (await res.json()) as { version: number; is_active: boolean; proposal: { id: string } | null };
  expect(body.is_active).toBe(false);
  return { id: body.proposal!.id, version: body.version };
}

test('a reader proposes, a steward reviews the diff and the impact and approves; another proposal is rejected with a reason', async ({ browser }) => {
  const rita = await as(browser, 'reader-rita');
  const sam = await as(browser, 'steward-sam');
  try {
    // the steward's own save is the active version
    const first = await sam.request.post(`/api/v1/rule-sets/${TABLE}/versions`, { data: { rules: [idPresent] } });
    expect(first.status()).toBe(201);
    const active = (await first.json()) as { version: number; is_active: boolean };
    expect(active.is_active).toBe(true);

    // the reader's save is a proposal; she is told so, and can withdraw but not approve it
    const proposal = await propose(rita, [idPresent, knownChannel], 'only our three channels');
    const ritaPage = await rita.newPage();
    await ritaPage.goto(`/history?table=${TABLE}`);
    await expect(ritaPage.getByTestId('your-rights')).toContainText('your saves are proposals that a steward reviews');
    const list = ritaPage.getByRole('table', { name: `Proposals for ${TABLE}` });
    await expect(list.locator(`[data-proposal="${proposal.id}"]`)).toContainText('Waiting for review');
    await list.getByRole('link', { name: `Review version ${proposal.version}` }).click();
    await expect(ritaPage).toHaveURL(REVIEW);
    await expect(ritaPage.getByRole('button', { name: /Approve/ })).toHaveCount(0);
    await expect(ritaPage.getByRole('button', { name: 'Withdraw' })).toBeVisible();
    await expect(ritaPage.getByTestId('approve-blocked')).toContainText('needs the steward right');
    await ritaPage.getByRole('textbox', { name: 'Add a comment' }).fill('display campaigns are a mistake in the data');
    await ritaPage.getByRole('button', { name: 'Comment' }).click();
    await expect(ritaPage.getByRole('list', { name: 'Comments' })).toContainText('display campaigns are a mistake in the data');
    // activating the proposal around its review is refused, with the reason
    const around = await rita.request.post(`/api/v1/rule-sets/${TABLE}/versions/${proposal.version}/activate`);
    expect(around.status()).toBe(403);
    expect(((await around.json()) as { error: { message: string } }).error.message).toBe(
      `Activating a version of ${TABLE} needs the steward right (being a steward of the table or an admin in the roles file (DQX_ROLES_FILE)). Its owner is steward-sam.`,
    );

    // the steward sees it waiting on the home page; the reader (who cannot review it) does not
    const samPage = await sam.newPage();
    await samPage.goto('/');
    const waiting = samPage.getByRole('table', { name: 'Proposals waiting for your review' });
    await expect(waiting.locator(`[data-proposal="${proposal.id}"]`)).toContainText(TABLE);
    await ritaPage.goto('/');
    await expect(ritaPage.getByRole('heading', { name: 'Generator' })).toBeVisible();
    await expect(ritaPage.getByRole('table', { name: 'Proposals waiting for your review' })).toHaveCount(0);

    // the steward reviews: the diff against the active version, the impact on the data, the comment
    await samPage.goto(`/history?table=${TABLE}`);
    await expect(samPage.getByTestId('your-rights')).toContainText('You are a steward of this table');
    await samPage.getByRole('table', { name: `Proposals for ${TABLE}` }).getByRole('link', { name: `Review version ${proposal.version}` }).click();
    await expect(samPage).toHaveURL(REVIEW);
    await expect(samPage.getByRole('heading', { level: 1 })).toContainText(`Proposed version ${proposal.version}`);
    const diff = samPage.getByTestId('version-diff');
    await expect(diff).toContainText(`Version ${active.version} → version ${proposal.version}: 1 added, 0 removed, 0 changed, 1 unchanged.`);
    await expect(diff.locator('[data-diff="added"]')).toContainText('channel_known');
    const impact = samPage.getByRole('table', { name: 'Impact on the data' });
    const channelRow = impact.locator('[data-impact-rule="channel_known"]');
    await expect(channelRow).toContainText('added');
    // the sample campaigns use four channels: the display ones would fail
    await expect.poll(async () => Number((await channelRow.locator('td').nth(2).innerText()).replace(/,/g, ''))).toBeGreaterThan(0);
    await expect(samPage.getByRole('list', { name: 'Comments' })).toContainText('reader-rita');

    await samPage.getByRole('button', { name: `Approve version ${proposal.version}` }).click();
    const approve = samPage.getByRole('dialog', { name: `Approve version ${proposal.version}?` });
    await approve.getByRole('textbox', { name: 'Comment (optional)' }).fill('agreed: display is retired');
    await approve.getByRole('button', { name: 'Approve and make active' }).click();
    await expect(samPage.getByRole('status').filter({ hasText: 'Approved' })).toHaveText(
      `Approved: version ${proposal.version} is now the active version of ${TABLE}.`,
    );
    await expect(samPage.locator('[data-proposal-status="approved"]').first()).toBeVisible();
    const ruleSet = (await (await sam.request.get(`/api/v1/rule-sets/${TABLE}/versions`)).json()) as { active_version: number };
    expect(ruleSet.active_version).toBe(proposal.version);

    // a second proposal is rejected: not without a reason; the reader sees the reason
    const second = await propose(rita, [idPresent, knownChannel, namePresent], 'names too');
    await samPage.goto(`/history/${TABLE}/proposals/${second.id}`);
    await samPage.getByRole('button', { name: 'Reject' }).click();
    const reject = samPage.getByRole('dialog', { name: `Reject version ${second.version}?` });
    await reject.getByRole('button', { name: 'Reject' }).click();
    await expect(reject.getByRole('textbox', { name: /Reason/ })).toHaveAttribute('aria-invalid', 'true');
    await expect(reject).toContainText('a reason is required to reject a proposal');
    await reject.getByRole('textbox', { name: /Reason/ }).fill('names may be empty for drafts');
    await reject.getByRole('button', { name: 'Reject' }).click();
    await expect(samPage.getByTestId('rejection')).toHaveText('Rejected by steward-sam: names may be empty for drafts');

    await ritaPage.goto(`/history/${TABLE}/proposals/${second.id}`);
    await expect(ritaPage.getByTestId('rejection')).toHaveText('Rejected by steward-sam: names may be empty for drafts');
    await expect(ritaPage.getByRole('button', { name: 'Withdraw' })).toHaveCount(0);
  } finally {
    await rita.close();
    await sam.close();
  }
});
