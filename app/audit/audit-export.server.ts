import { AUDIT_EXPORT_LIMIT } from './actions'
import { recordAudit } from './audit.server'
import type { AuditFilter } from './audit-filter'
import { auditEventBatches, countAuditEvents, latestAuditSeq, type AuditEventRow } from './audit-log.server'
import type { Viewer } from '~/policy/permissions'
import { csvDateStamp, csvLines } from '~/utils/csv.server'
import type { RequestMeta } from '~/utils/request.server'

/** The columns of an audit export, in order; the route supplies their (translated) headings. */
export const auditExportColumns = [
  'seq',
  'at',
  'actorLabel',
  'actorUserId',
  'actorOrganisation',
  'actorOrganisationId',
  'action',
  'outcome',
  'targetKind',
  'targetId',
  'targetName',
  'ip',
  'userAgent',
  'details',
] as const
export type AuditExportColumn = (typeof auditExportColumns)[number]

function cells(row: AuditEventRow): Record<AuditExportColumn, unknown> {
  return {
    seq: row.seq,
    at: row.at,
    actorLabel: row.actor.label,
    actorUserId: row.actor.userId,
    actorOrganisation: row.actor.organisationName,
    actorOrganisationId: row.actor.organisationId,
    action: row.action,
    outcome: row.outcome,
    targetKind: row.target?.kind,
    targetId: row.target?.id,
    targetName: row.target?.name,
    ip: row.ip,
    userAgent: row.userAgent,
    details: Object.keys(row.details).length ? row.details : null,
  }
}

export type AuditExport = { filename: string; rows: number; truncated: boolean; body: ReadableStream<Uint8Array> }

/**
 * Exports the matching events as CSV, newest first, at most AUDIT_EXPORT_LIMIT rows. The export is
 * audited before any row leaves, with its filters, purpose and exact row count: it reads only up to
 * the newest event at the time of the request.
 */
export async function exportAuditLog({
  filter,
  purpose,
  viewer,
  meta,
  heading,
}: {
  filter: AuditFilter
  purpose: string
  viewer: Pick<Viewer, 'userId' | 'organisationId' | 'email'>
  meta?: RequestMeta
  heading: (column: AuditExportColumn) => string
}): Promise<AuditExport> {
  const upToSeq = await latestAuditSeq()
  const matching = await countAuditEvents(filter, upToSeq)
  const rows = Math.min(matching, AUDIT_EXPORT_LIMIT)
  const truncated = matching > AUDIT_EXPORT_LIMIT
  await recordAudit({
    action: 'audit.exported',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    meta,
    details: { filter: { ...filter }, rows, truncated, upToSeq, purpose },
  })

  const encoder = new TextEncoder()
  const batches = auditEventBatches(filter, { upToSeq, limit: rows })
  let headerSent = false
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true
        controller.enqueue(encoder.encode(csvLines([auditExportColumns.map(heading)], { bom: true })))
        return
      }
      const next = await batches.next()
      if (next.done) {
        controller.close()
        return
      }
      const lines = next.value.map((row) => {
        const values = cells(row)
        return auditExportColumns.map((column) => values[column])
      })
      controller.enqueue(encoder.encode(csvLines(lines)))
    },
    async cancel() {
      await batches.return(undefined)
    },
  })
  return { filename: `audit-log-${csvDateStamp()}.csv`, rows, truncated, body }
}
