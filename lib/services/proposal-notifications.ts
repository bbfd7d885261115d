/**
 * Notifications of proposals (issue 16 item 4): when a proposal is created, approved, rejected or
 * withdrawn, one JSON POST goes to the table's alert webhook (its thresholds' `webhook_url`), else to
 * DQX_ALERT_WEBHOOK_URL, else nowhere: the same webhooks and the same delivery (lib/alerts/webhook.ts:
 * checked URL, timeout, no redirects) as quality alerts, so a team's channel hears of rules waiting
 * for review. It happens in the background after the change is committed and never fails or delays
 * it; a failed delivery is logged. `setProposalNotifier` replaces the delivery (another channel, or
 * none), the seam for e-mail or chat integrations.
 */
import 'server-only';

import { checkWebhookUrl, postJson } from '@/lib/alerts/webhook';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';
import * as alerts from '@/db/repositories/alerts';
import type { Db } from '@/db/repositories/rule-sets';

export interface ProposalEvent {
  event: 'proposal_created' | 'proposal_approved' | 'proposal_rejected' | 'proposal_withdrawn';
  table: string;
  proposal_id: string;
  version: number;
  author: string;
  /** Who did it (the author for created and withdrawn, the steward for approved and rejected). */
  by: string;
  /** Why it was rejected. */
  reason: string | null;
  /** The review page, relative to the app's address. */
  review_path: string;
  at: string;
}

export type ProposalNotifier = (event: ProposalEvent, context: { db: Db }) => Promise<void>;

/** The default: the table's alert webhook, else the global one. */
export const webhookNotifier: ProposalNotifier = async (event, { db }) => {
  const config = getConfig();
  const url = (await alerts.findSettings(db, event.table))?.webhook_url ?? config.alerts.webhookUrl;
  if (!url) return;
  const outcome = await postJson(checkWebhookUrl(url, config.mode), event, {
    mode: config.mode,
    timeoutMs: 10_000,
  });
  if (!outcome.ok)
    log.warn('a proposal notification was not delivered', {
      table: event.table,
      event: event.event,
      status: outcome.status,
      error: outcome.error,
    });
};

let notifier: ProposalNotifier = webhookNotifier;
const pending = new Set<Promise<void>>();

/** Replace how proposal events are delivered (null: the webhook again). */
export function setProposalNotifier(next: ProposalNotifier | null): void {
  notifier = next ?? webhookNotifier;
}

/** Deliver `event` in the background; never throws. */
export function notifyProposal(db: Db, event: Omit<ProposalEvent, 'review_path' | 'at'>): void {
  const full: ProposalEvent = {
    ...event,
    review_path: `/history/${encodeURIComponent(event.table)}/proposals/${event.proposal_id}`,
    at: new Date().toISOString(),
  };
  const delivery = notifier(full, { db })
    .catch((error: unknown) =>
      log.warn('a proposal notification failed', {
        table: event.table,
        event: event.event,
        error: (error as Error)?.message,
      }),
    )
    .finally(() => pending.delete(delivery));
  pending.add(delivery);
}

/** Resolves when every notification started so far has been delivered or given up (tests, shutdown). */
export async function proposalNotificationsSettled(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}
