import { getConfig } from '@/lib/config';
import { log } from '@/lib/log';

import { getLocalWarehouse } from './index';

/** Start the local warehouse in the background (local mode only); failures are logged, not thrown. */
export function warmUpLocalWarehouse(): void {
  let started: Promise<void>;
  try {
    if (getConfig().mode !== 'local') return;
    started = getLocalWarehouse().ping();
  } catch (error) {
    log.error('the local warehouse could not start', { error });
    return;
  }
  const t0 = Date.now();
  started.then(
    () => log.info('local warehouse ready', { millis: Date.now() - t0 }),
    (error: unknown) => log.error('the local warehouse could not start', { error }),
  );
}
