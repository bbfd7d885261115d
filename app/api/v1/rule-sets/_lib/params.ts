/** Path segments of the /api/v1/rule-sets routes. */
import { parseOr400 } from '@/lib/http/route';

import { ProposalId } from '@/lib/services/proposal-schemas';
import { TableParam, VersionNumber } from '@/lib/services/rule-set-schemas';

/** A path segment as the caller wrote it (percent-decoded once, when it still is encoded). */
function decodeSegment(segment: string): string {
  if (!/%[0-9a-f]{2}/i.test(segment)) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function tableParam(params: { table: string }): string {
  return parseOr400(TableParam, decodeSegment(params.table), 'table name');
}

export function versionParam(params: { version: string }): number {
  return parseOr400(VersionNumber, params.version, 'version number');
}

export function proposalParam(params: { id: string }): string {
  return parseOr400(ProposalId, params.id, 'proposal id');
}
