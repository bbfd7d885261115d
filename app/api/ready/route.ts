import { NextResponse, type NextRequest } from 'next/server';

import { checkReadiness } from '@/lib/services/readiness';

export const dynamic = 'force-dynamic';

/**
 * Readiness: 200 when every dependency answers, 503 otherwise, with one status and reason per
 * dependency (warehouse, store, jobs, model); deployed, a binding that is missing is a 503 too.
 * Open without a token, so it names at most which setting is missing, never a value, host or secret.
 */
export async function GET(req: NextRequest) {
  const readiness = await checkReadiness(req.headers);
  return NextResponse.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  });
}
