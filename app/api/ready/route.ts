import { NextResponse, type NextRequest } from 'next/server';

import { checkReadiness } from '@/lib/services/readiness';

export const dynamic = 'force-dynamic';

/**
 * Readiness: 200 when every configured dependency answers, 503 otherwise, with one status per
 * dependency (warehouse, store, jobs). Open without a token, so it says nothing about settings.
 */
export async function GET(req: NextRequest) {
  const readiness = await checkReadiness(req.headers);
  return NextResponse.json(readiness, {
    status: readiness.ready ? 200 : 503,
    headers: { 'Cache-Control': 'no-store' },
  });
}
