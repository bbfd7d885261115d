/**
 * Start-up checks of a deployed app (databricks mode), run once beside the server: the bindings are
 * validated and logged (`bindings checked`, no secrets), and the rule store is opened, which
 * migrates it (schema `dqx`, owned by the app's role). A failure is logged and shown on /api/ready;
 * the server keeps answering, so the reasons can be read.
 */
import 'server-only';

import { getStore } from '@/db';
import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';

import { logBindings } from './bindings';

export async function checkAtStartup(): Promise<void> {
  const config = getConfig();
  if (config.mode !== 'databricks') return;
  logBindings(config);
  if (config.store.kind === 'pglite') return;
  try {
    await getStore();
  } catch (error) {
    // getStore has logged the cause (and the exact GRANT when a privilege is missing).
    log.warn('the rule store is not ready at start; /api/ready says why', { error });
  }
}
