import { NextResponse } from 'next/server';

export const dynamic = 'force-dynamic';

/** Liveness: the process answers. No dependency is touched and nothing about the configuration is said. */
export function GET() {
  return NextResponse.json({ status: 'ok', time: new Date().toISOString() }, { headers: { 'Cache-Control': 'no-store' } });
}
