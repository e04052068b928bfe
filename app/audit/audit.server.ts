import crypto from 'node:crypto'
import { AuditEventModel } from '../../models/audit-event'
import { containsCardNumber } from '~/utils/card-numbers'
import type { RequestMeta } from '~/utils/request.server'

export type AuditActor = { userId?: string; organisationId?: string; label?: string }

export type AuditInput = {
  action: string
  outcome?: 'success' | 'failure' | 'denied'
  actor?: AuditActor | null
  target?: { kind: string; id: string } | null
  meta?: RequestMeta
  details?: Record<string, unknown>
}

const GENESIS = '0'.repeat(64)
const SECRET_KEYS = /pass(word)?|token|secret|code|hash|cookie|authorization/i

/** Details without anything that could be a secret. */
function scrub(details: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!details) return undefined
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(details)) {
    if (SECRET_KEYS.test(key) || key.startsWith('$') || key.includes('.')) continue
    out[key] = value instanceof Date ? value.toISOString() : withoutCardNumbers(value)
  }
  return out
}

type Hashable = {
  seq: number
  at: Date
  actorUserId?: string | null
  actorOrganisationId?: string | null
  actorLabel?: string | null
  action: string
  targetKind?: string | null
  targetId?: string | null
  outcome: string
  ip?: string | null
  userAgent?: string | null
  details?: unknown
  prevHash: string
}

/** A card number typed anywhere (say, into a filter) never reaches the log. */
function withoutCardNumbers(value: unknown): unknown {
  if (typeof value === 'string') return containsCardNumber(value) ? '[card number removed]' : value
  if (Array.isArray(value)) return value.map(withoutCardNumbers)
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, withoutCardNumbers(v)]))
  }
  return value
}

/** Canonical JSON: keys sorted at every level, absent and null alike. */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined && v !== null)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function hashAuditEvent(event: Hashable) {
  const { seq, at, actorUserId, actorOrganisationId, actorLabel, action, targetKind, targetId, outcome, ip, userAgent, details, prevHash } =
    event
  const body = canonical({
    seq,
    at,
    actorUserId,
    actorOrganisationId,
    actorLabel,
    action,
    targetKind,
    targetId,
    outcome,
    ip,
    userAgent,
    details,
    prevHash,
  })
  return crypto.createHash('sha256').update(body).digest('hex')
}

/**
 * The last link this process wrote or read, and the queue of this process's writers. Kept on
 * `globalThis`: the server and the app bundle each load this module, and they must share one head.
 */
type AuditAppender = { head: { _id: unknown; seq: number; hash: string } | null; queue: Promise<unknown> }
declare global {
  var __portalAuditAppender: AuditAppender | undefined
}
const appender: AuditAppender = (globalThis.__portalAuditAppender ??= { head: null, queue: Promise.resolve() })

/**
 * Appends one event to the chain. The unique index on `seq` lets exactly one writer take each number:
 * this process tries the number after the last link it knows (no read needed), and when another
 * server took it meanwhile, reads the real end of the chain and retries on top of it.
 */
export function recordAudit(input: AuditInput): Promise<void> {
  const run = appender.queue.then(() => appendAudit(input))
  appender.queue = run.catch(() => {})
  return run
}

async function appendAudit(input: AuditInput): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // The remembered head is a guess, checked by `_id` (a log emptied under us forgets it); a guess
    // that another server overtook fails on the unique `seq`, and the real end is read.
    const head = appender.head
    const known = attempt === 0 && head && (await AuditEventModel.exists({ _id: head._id })) ? head : null
    const last = known ?? (await AuditEventModel.findOne({}).sort({ seq: -1 }).select({ seq: 1, hash: 1 }).lean())
    const event: Hashable = {
      seq: (last?.seq ?? 0) + 1,
      at: new Date(),
      actorUserId: input.actor?.userId,
      actorOrganisationId: input.actor?.organisationId,
      actorLabel: input.actor?.label,
      action: input.action,
      targetKind: input.target?.kind,
      targetId: input.target?.id,
      outcome: input.outcome ?? 'success',
      ip: input.meta?.ip,
      userAgent: input.meta?.userAgent,
      details: scrub(input.details),
      prevHash: last?.hash ?? GENESIS,
    }
    const hash = hashAuditEvent(event)
    try {
      const created = await AuditEventModel.create({ ...event, outcome: input.outcome ?? 'success', hash })
      appender.head = { _id: created._id, seq: event.seq, hash }
      return
    } catch (error) {
      appender.head = null
      if ((error as { code?: number }).code !== 11000) throw error
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * (attempt + 1)))
    }
  }
  throw new Error('Could not append to the audit log: too much contention')
}

export type ChainReport =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: { seq: number; id: string; reason: 'hash' | 'link' | 'gap' } }

/** Walks the whole chain in order and reports the first event that does not fit. */
export async function verifyAuditChain(): Promise<ChainReport> {
  let previous: { seq: number; hash: string } | null = null
  let checked = 0
  const cursor = AuditEventModel.find({}).sort({ seq: 1 }).lean().cursor({ batchSize: 1000 })
  for await (const event of cursor) {
    const id = String(event._id)
    const expectedSeq: number = (previous?.seq ?? 0) + 1
    if (event.seq !== expectedSeq) return { ok: false, checked, brokenAt: { seq: event.seq, id, reason: 'gap' } }
    if (event.prevHash !== (previous?.hash ?? GENESIS)) {
      return { ok: false, checked, brokenAt: { seq: event.seq, id, reason: 'link' } }
    }
    if (hashAuditEvent(event as unknown as Hashable) !== event.hash) {
      return { ok: false, checked, brokenAt: { seq: event.seq, id, reason: 'hash' } }
    }
    previous = { seq: event.seq, hash: event.hash }
    checked++
  }
  return { ok: true, checked }
}
