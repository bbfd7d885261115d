/**
 * Proposals and review (issue 16 item 2) on the rule store: a reader's save is a proposal, a
 * steward approves it (it becomes active) or rejects it with a reason, four eyes refuses its author,
 * a change of the active version makes it stale until a fresh look, its author withdraws it.
 * Rights come from a decider that says who is a steward (lib/services/rights.ts is tested in
 * rights-matrix.test.ts through the API).
 */
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Database } from '@/db';
import { storeTargets, type TestStore } from '@/db/testing/test-stores';
import { appError } from '@/tests/support/app-error';
import { InMemoryCatalog, testCaller } from '@/tests/support/in-memory-warehouse';
import { startWebhookReceiver } from '@/tests/support/webhook-receiver';
import * as alertsRepo from '@/db/repositories/alerts';

import { proposalNotificationsSettled } from './proposal-notifications';

import { tableAccessVia } from './access';
import { ApproveBody, RejectBody } from './proposal-schemas';
import {
  approveProposal,
  commentOnProposal,
  getProposal,
  listPendingProposals,
  listTableProposals,
  refreshProposal,
  rejectProposal,
  saveGovernanceSettings,
  withdrawProposal,
} from './proposals';
import type { RightsDecider } from './rights';
import { activateRuleSetVersion, getActiveRuleSet, saveRuleSet } from './rule-sets';
import type { PublishDeps } from './publishing';

const rita = testCaller('rita@example.com'); // reader
const sam = testCaller('sam@example.com'); // steward
const sue = testCaller('sue@example.com'); // steward
const ada = testCaller('ada@example.com'); // admin
const stranger = testCaller('eve@example.com'); // cannot read

const COLUMNS = [
  { name: 'id', type: 'bigint' },
  { name: 'email', type: 'string' },
];
const rule = (column: string, name?: string, criticality = 'error') => ({
  ...(name ? { name } : {}),
  criticality,
  check: { function: 'is_not_null', arguments: { column } },
});

const decider: RightsDecider = async (caller) => ({
  steward: [sam.id, sue.id].includes(caller.id),
  admin: caller.id === ada.id,
  owner: sam.id,
  steward_sources: [],
  requirement: 'MODIFY or MANAGE on the table, its ownership',
});

let counter = 0;

for (const target of storeTargets(process.env.TEST_DATABASE_URL)) {
  describe(`proposals and review (${target.name})`, () => {
    let store: TestStore;
    let db: Kysely<Database>;
    let catalog: InMemoryCatalog;
    let deps: PublishDeps;

    const newTable = () => {
      const name = `main.sales.governed_${++counter}`;
      catalog.add({ name, columns: COLUMNS });
      return name;
    };

    beforeAll(async () => {
      store = await target.open();
      db = store.db;
      catalog = new InMemoryCatalog([], (caller) => caller !== stranger.id);
      deps = {
        db,
        access: tableAccessVia((caller) => catalog.warehouseFor(caller)),
        rights: decider,
        mode: 'local',
      };
    });
    afterAll(async () => {
      await store?.close();
    });

    it("saves a reader's rules as a proposal; a steward approves it and it becomes the active version", async () => {
      const table = newTable();
      const v1 = await saveRuleSet(sam, table, { rules: [rule('id')] }, deps);
      expect(v1).toMatchObject({ version: 1, is_active: true, proposal: null });

      const proposed = await saveRuleSet(rita, table, { rules: [rule('id'), rule('email')] }, deps);
      expect(proposed).toMatchObject({
        version: 2,
        is_active: false,
        proposal: { status: 'proposed', base_version: 1 },
      });
      expect((await getActiveRuleSet(rita, table, deps))?.version).toBe(1);

      const id = proposed.proposal!.id;
      const detail = await getProposal(sam, table, id, deps);
      expect(detail).toMatchObject({
        status: 'proposed',
        stale: false,
        author: rita.id,
        base_version: 1,
        active_version: 1,
      });
      expect(detail.diff?.added.map((r) => r.check.check.arguments)).toEqual([{ column: 'email' }]);
      expect(detail.permissions).toMatchObject({ can_approve: true, can_reject: true, can_withdraw: false });
      expect((await getProposal(rita, table, id, deps)).permissions).toMatchObject({
        can_approve: false,
        can_withdraw: true,
      });

      await commentOnProposal(rita, table, id, { body: 'email must be set for the newsletter' }, deps);
      expect((await listPendingProposals(sam, deps)).find((p) => p.id === id)).toMatchObject({
        can_review: true,
      });
      expect((await listPendingProposals(rita, deps)).find((p) => p.id === id)).toMatchObject({
        can_review: false,
      });
      expect((await listPendingProposals(stranger, deps)).find((p) => p.id === id)).toBeUndefined();

      const approved = await approveProposal(
        sam,
        table,
        id,
        ApproveBody.parse({ comment: 'looks right' }),
        deps,
      );
      expect(approved.proposal).toMatchObject({ status: 'approved', reviewed_by: sam.id, stale: false });
      expect(approved.activated).toMatchObject({ version: 2, previous_version: 1, activated_by: sam.id });
      expect((await getActiveRuleSet(rita, table, deps))?.version).toBe(2);
      expect((await getProposal(rita, table, id, deps)).comments.map((c) => [c.author, c.body])).toEqual([
        [rita.id, 'email must be set for the newsletter'],
        [sam.id, 'looks right'],
      ]);
      // approved once: not again
      expect((await appError(approveProposal(sue, table, id, {}, deps))).status).toBe(409);
    });

    it('refuses a reader approving, rejecting or activating, and says which right is missing and who holds it', async () => {
      const table = newTable();
      await saveRuleSet(sam, table, { rules: [rule('id')] }, deps);
      const p = await saveRuleSet(rita, table, { rules: [rule('email')] }, deps);
      const approve = await appError(approveProposal(rita, table, p.proposal!.id, {}, deps));
      expect(approve.status).toBe(403);
      expect(approve.message).toBe(
        `Approving a proposal for ${table} needs the steward right (MODIFY or MANAGE on the table, its ownership). Its owner is sam@example.com.`,
      );
      expect(
        (await appError(rejectProposal(rita, table, p.proposal!.id, { reason: 'no' }, deps))).status,
      ).toBe(403);
      const activate = await appError(activateRuleSetVersion(rita, table, 1, deps));
      expect(activate.status).toBe(403);
      expect(activate.message).toContain(`Activating a version of ${table} needs the steward right`);
      // a table the caller cannot read stays a 404
      expect((await appError(getProposal(stranger, table, p.proposal!.id, deps))).status).toBe(404);
      // a proposal is not activated around its review
      const around = await appError(activateRuleSetVersion(sam, table, 2, deps));
      expect(around.status).toBe(409);
      expect(around.message).toContain('is a proposal under review');
    });

    it('four eyes: its author cannot approve their own proposal, stewards included; another steward can', async () => {
      const table = newTable();
      await saveRuleSet(sam, table, { rules: [rule('id')] }, deps);
      expect((await appError(saveGovernanceSettings(sam, table, { four_eyes: true }, deps))).status).toBe(
        403,
      );
      await saveGovernanceSettings(ada, table, { four_eyes: true }, deps);
      // with four eyes on, even a steward's save is a proposal
      const mine = await saveRuleSet(sam, table, { rules: [rule('id'), rule('email')] }, deps);
      expect(mine).toMatchObject({ is_active: false, proposal: { status: 'proposed' } });
      const refused = await appError(approveProposal(sam, table, mine.proposal!.id, {}, deps));
      expect(refused.status).toBe(403);
      expect(refused.message).toContain('someone other than its author (sam@example.com): four eyes is on');
      expect(
        (await getProposal(sam, table, mine.proposal!.id, deps)).permissions.approve_blocked_by,
      ).toContain('Four eyes');
      const ok = await approveProposal(sue, table, mine.proposal!.id, {}, deps);
      expect(ok.activated.version).toBe(mine.version);
    });

    it('a proposal goes stale when the active version changes, and can be approved only after a fresh look', async () => {
      const table = newTable();
      await saveRuleSet(sam, table, { rules: [rule('id')] }, deps);
      const p = await saveRuleSet(rita, table, { rules: [rule('email')] }, deps);
      await saveRuleSet(sam, table, { rules: [rule('id', 'id_set', 'warn')] }, deps); // version 3 active
      const stale = await getProposal(sam, table, p.proposal!.id, deps);
      expect(stale).toMatchObject({ stale: true, base_version: 1, active_version: 3 });
      expect(stale.permissions).toMatchObject({ can_approve: false, can_refresh: true });
      const refused = await appError(approveProposal(sam, table, p.proposal!.id, {}, deps));
      expect(refused.status).toBe(409);
      expect(refused.message).toContain('take a fresh look');
      expect((await appError(refreshProposal(rita, table, p.proposal!.id, deps))).status).toBe(403);
      const fresh = await refreshProposal(sam, table, p.proposal!.id, deps);
      expect(fresh).toMatchObject({ stale: false, base_version: 3, refreshed_by: sam.id });
      expect((await approveProposal(sam, table, p.proposal!.id, {}, deps)).activated).toMatchObject({
        version: 2,
        previous_version: 3,
      });
    });

    it('its author withdraws it; others cannot; a rejection needs a reason', async () => {
      const table = newTable();
      await saveRuleSet(sam, table, { rules: [rule('id')] }, deps);
      const a = await saveRuleSet(rita, table, { rules: [rule('email')] }, deps);
      expect((await appError(withdrawProposal(sam, table, a.proposal!.id, deps))).status).toBe(403);
      expect(await withdrawProposal(rita, table, a.proposal!.id, deps)).toMatchObject({
        status: 'withdrawn',
      });
      expect((await appError(approveProposal(sam, table, a.proposal!.id, {}, deps))).status).toBe(409);

      const b = await saveRuleSet(rita, table, { rules: [rule('email', 'email_set')] }, deps);
      expect(RejectBody.safeParse({ reason: '   ' }).success).toBe(false);
      expect(RejectBody.safeParse({}).error?.issues[0]?.message).toBe(
        'a reason is required to reject a proposal',
      );
      const rejected = await rejectProposal(
        sam,
        table,
        b.proposal!.id,
        RejectBody.parse({ reason: 'email may be empty for B2B' }),
        deps,
      );
      expect(rejected).toMatchObject({
        status: 'rejected',
        reason: 'email may be empty for B2B',
        reviewed_by: sam.id,
      });
      expect((await appError(activateRuleSetVersion(sam, table, b.version, deps))).message).toContain(
        'rejected proposal',
      );
      const list = await listTableProposals(rita, table, {}, deps);
      expect(list.items.map((i) => [i.version, i.status])).toEqual([
        [b.version, 'rejected'],
        [a.version, 'withdrawn'],
      ]);
      expect((await getActiveRuleSet(rita, table, deps))?.version).toBe(1);
    });

    it('records every step in the audit trail, with who and what, and nothing for a refused step', async () => {
      const table = newTable();
      await saveRuleSet(sam, table, { rules: [rule('id')] }, deps);
      const a = await saveRuleSet(rita, table, { rules: [rule('id'), rule('email')] }, deps);
      await appError(approveProposal(rita, table, a.proposal!.id, {}, deps)); // refused: no event
      await approveProposal(sue, table, a.proposal!.id, {}, deps);
      const b = await saveRuleSet(rita, table, { rules: [rule('email', 'only_email')] }, deps);
      await rejectProposal(sam, table, b.proposal!.id, RejectBody.parse({ reason: 'too narrow' }), deps);
      const c = await saveRuleSet(rita, table, { rules: [rule('email', 'again')] }, deps);
      await withdrawProposal(rita, table, c.proposal!.id, deps);
      await saveGovernanceSettings(ada, table, { four_eyes: true, steward_group: null }, deps);

      const events = await db
        .selectFrom('dq_audit_events')
        .select(['actor', 'action', 'target', 'before', 'after'])
        .where('table_name', '=', table)
        .orderBy('id')
        .execute();
      expect(events.map((e) => [e.actor, e.action])).toEqual([
        [sam.id, 'version.saved'],
        [rita.id, 'proposal.created'],
        [sue.id, 'version.activated'],
        [sue.id, 'proposal.approved'],
        [rita.id, 'proposal.created'],
        [sam.id, 'proposal.rejected'],
        [rita.id, 'proposal.created'],
        [rita.id, 'proposal.withdrawn'],
        [ada.id, 'settings.changed'],
      ]);
      expect(events[3]).toMatchObject({ target: `proposal ${a.proposal!.id}`, after: { status: 'approved', active_version: 2 } });
      expect(events[5]).toMatchObject({ after: { status: 'rejected', reason: 'too narrow' } });
      expect(events[8]).toMatchObject({ before: null, after: { four_eyes: true, steward_group: null } });
    });

    it("sends each proposal's creation and review to the table's alert webhook", async () => {
      const hook = await startWebhookReceiver();
      try {
        const table = newTable();
        await alertsRepo.saveSettings(db, { tableName: table, minPassRate: null, failOnErrorRows: false, rules: [], webhookUrl: hook.url, by: sam.id });
        const p = await saveRuleSet(rita, table, { rules: [rule('email')] }, deps);
        await rejectProposal(sam, table, p.proposal!.id, { reason: 'too strict' }, deps);
        await proposalNotificationsSettled();
        expect(hook.received.map((r) => r.body)).toEqual([
          expect.objectContaining({ event: 'proposal_created', table, version: p.version, author: rita.id, by: rita.id, review_path: `/history/${table}/proposals/${p.proposal!.id}` }),
          expect.objectContaining({ event: 'proposal_rejected', table, by: sam.id, reason: 'too strict' }),
        ]);
      } finally {
        await hook.close();
      }
    });

    it('a first rule set proposed by a reader lists every rule as added and becomes active on approval', async () => {
      const table = newTable();
      const p = await saveRuleSet(rita, table, { rules: [rule('id'), rule('email')] }, deps);
      expect(p.proposal?.base_version).toBeNull();
      const detail = await getProposal(sam, table, p.proposal!.id, deps);
      expect(detail.diff?.added).toHaveLength(2);
      expect((await approveProposal(sam, table, p.proposal!.id, {}, deps)).activated).toMatchObject({
        version: 1,
        previous_version: null,
      });
    });
  });
}
