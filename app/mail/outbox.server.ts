import crypto from 'node:crypto'
import type { Types } from 'mongoose'
import nodemailer, { type Transporter } from 'nodemailer'
import { ClaimModel } from '../../models/claim'
import { OutboxMessageModel } from '../../models/outbox-message'
import { getEnv } from '~/utils/env.server'
import { claimAll, claimOnce } from '~/utils/claims.server'
import { getLogger } from '~/utils/logger.server'

const MAX_ATTEMPTS = 8
const LEASE_MS = 60_000
/** How long sent messages stay in the outbox before `sweepSentMail` removes them. */
export const SENT_RETENTION_MS = 7 * 24 * 60 * 60_000

const attemptKey = (id: Types.ObjectId | string, attempt: number) => `outbox:${String(id)}:${attempt}`
/** Tombstone of a dedupe key whose message was sent and swept: queueing the key again is a no-op. */
const sentMailKey = (dedupeKey: string) => `outbox-sent:${dedupeKey}`

export type MailInput = { to: string; subject: string; text: string; kind: string; dedupeKey?: string }

/** Puts a message in the outbox; the worker delivers it. The same `dedupeKey` never queues twice. */
export async function enqueueMail(input: MailInput) {
  const dedupeKey = input.dedupeKey ?? crypto.randomUUID()
  // Sent long ago and swept: still a duplicate. (A sweep racing this call is caught by the delivery
  // pass, which drops a message whose key has a tombstone.)
  if (input.dedupeKey && (await ClaimModel.exists({ _id: sentMailKey(dedupeKey) }))) return { queued: false as const }
  try {
    await OutboxMessageModel.create({ ...input, dedupeKey, status: 'pending', nextAttemptAt: new Date() })
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error
    return { queued: false as const }
  }
  kickDelivery()
  return { queued: true as const }
}

let transport: { url: string; transporter: Transporter } | undefined
function transporter(): Transporter | null {
  const url = getEnv().SMTP_URL
  if (!url) return null
  if (transport?.url !== url) {
    const parsed = new URL(url)
    const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname)
    transport = {
      url,
      transporter: nodemailer.createTransport({
        host: parsed.hostname.replace(/^\[|\]$/g, ''),
        port: Number(parsed.port || (parsed.protocol === 'smtps:' ? 465 : 25)),
        secure: parsed.protocol === 'smtps:',
        ignoreTLS: loopback,
        auth: parsed.username ? { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } : undefined,
      }),
    }
  }
  return transport.transporter
}

/**
 * Delivers due messages. One query per pass reads a batch of due messages (on FerretDB every filter
 * other than `_id` equality scans the collection, so the pass reads it once, not once per message);
 * each message's attempt is then claimed with `claimOnce` (a unique insert), so several app servers (or
 * overlapping passes) never send the same attempt twice; a crashed sender's lease simply runs out.
 * A message whose dedupe key was already sent and swept (`sweepSentMail`) is dropped, not sent again.
 */
export async function deliverOutbox({ limit = 50 } = {}) {
  const mailer = transporter()
  if (!mailer) return { sent: 0, failed: 0, dropped: 0, more: false }
  const now = new Date()
  const due = await OutboxMessageModel.find({
    $or: [
      { status: 'pending', nextAttemptAt: { $lte: now } },
      { status: 'sending', leaseUntil: { $lt: now } },
    ],
  })
    .sort({ nextAttemptAt: 1, _id: 1 })
    .limit(limit)
    .lean()
  if (due.length === 0) return { sent: 0, failed: 0, dropped: 0, more: false }
  // Tombstones of swept messages, looked up by `_id` in one query for the whole batch.
  const spent = new Set(
    (await ClaimModel.find({ _id: { $in: due.map((message) => sentMailKey(message.dedupeKey)) } }).select({ _id: 1 }).lean()).map((row) =>
      String(row._id),
    ),
  )
  let sent = 0
  let failed = 0
  let dropped = 0
  for (const candidate of due) {
    const key = attemptKey(candidate._id, candidate.attempts)
    if (!(await claimOnce(key))) {
      await recoverOrphanedAttempt(candidate, key)
      continue
    }
    if (spent.has(sentMailKey(candidate.dedupeKey))) {
      await OutboxMessageModel.deleteOne({ _id: candidate._id, attempts: candidate.attempts })
      dropped++
      continue
    }
    const attempts = candidate.attempts + 1
    // The claim makes this attempt ours; the condition only confirms that the batch read is not stale
    // (the message still exists and has not moved on to another attempt).
    const marked = await OutboxMessageModel.updateOne(
      { _id: candidate._id, attempts: candidate.attempts, status: { $in: ['pending', 'sending'] } },
      { $set: { status: 'sending', attempts, leaseUntil: new Date(Date.now() + LEASE_MS) } },
    )
    if (marked.matchedCount === 0) continue
    try {
      await mailer.sendMail({ from: getEnv().MAIL_FROM, to: candidate.to, subject: candidate.subject, text: candidate.text })
      await OutboxMessageModel.updateOne({ _id: candidate._id }, { $set: { status: 'sent', sentAt: new Date() }, $unset: { leaseUntil: 1 } })
      sent++
    } catch (error) {
      failed++
      const giveUp = attempts >= MAX_ATTEMPTS
      const backoffMs = Math.min(2 ** attempts * 5_000, 60 * 60_000)
      await OutboxMessageModel.updateOne(
        { _id: candidate._id },
        {
          $set: {
            status: giveUp ? 'failed' : 'pending',
            nextAttemptAt: new Date(Date.now() + backoffMs),
            lastError: String((error as Error).message).slice(0, 500),
          },
          $unset: { leaseUntil: 1 },
        },
      )
      getLogger().warn({ messageId: String(candidate._id), attempts, giveUp }, 'mail delivery failed')
    }
  }
  // A full batch where something moved on may have more due messages behind it.
  return { sent, failed, dropped, more: due.length === limit && sent + failed + dropped > 0 }
}

/**
 * A sender that died between claiming attempt `n` and marking the message `sending` leaves it
 * `pending` with `attempts: n` and the claim taken, so nobody could ever claim it again. It never sent
 * (sending comes after the mark), so once the claim is older than two leases the message moves on to
 * attempt `n + 1`, which the next pass claims as usual. Doing this twice concurrently is harmless.
 */
async function recoverOrphanedAttempt(candidate: { _id: Types.ObjectId; attempts: number; status: string }, key: string) {
  if (candidate.status !== 'pending') return
  const claim = await ClaimModel.findOne({ _id: key }).lean()
  if (!claim || claim.at.getTime() > Date.now() - 2 * LEASE_MS) return
  await OutboxMessageModel.updateOne({ _id: candidate._id, attempts: candidate.attempts, status: 'pending' }, { $set: { attempts: candidate.attempts + 1 } })
}

/**
 * Housekeeping: deletes messages sent more than `olderThanMs` ago, with their attempt claims, so the
 * outbox (which the delivery pass scans) holds only recent mail instead of everything ever sent. A
 * tombstone claim per dedupe key (`outbox-sent:<key>`, looked up by `_id`) is written first, so a
 * caller that queues the same key again later (the overdue reminder re-queues on every scan) stays a
 * no-op. Returns how many messages were removed.
 */
export async function sweepSentMail({ now = new Date(), olderThanMs = SENT_RETENTION_MS, batch = 500 } = {}) {
  const cutoff = new Date(now.getTime() - olderThanMs)
  let removed = 0
  for (;;) {
    const rows = await OutboxMessageModel.find({ status: 'sent', sentAt: { $lt: cutoff } })
      .select({ _id: 1, dedupeKey: 1, attempts: 1 })
      .limit(batch)
      .lean()
    if (rows.length === 0) break
    await claimAll(rows.map((row) => sentMailKey(row.dedupeKey)))
    await OutboxMessageModel.deleteMany({ _id: { $in: rows.map((row) => row._id) } })
    const attemptKeys = rows.flatMap((row) => Array.from({ length: row.attempts + 1 }, (_, attempt) => attemptKey(row._id, attempt)))
    await ClaimModel.deleteMany({ _id: { $in: attemptKeys } })
    removed += rows.length
    if (rows.length < batch) break
  }
  return removed
}

let running: Promise<unknown> | null = null
let again = false
/** Starts a delivery pass now (or right after the current one) without waiting for it. */
export function kickDelivery() {
  if (running) {
    again = true
    return
  }
  running = deliverOutbox()
    .then((result) => {
      if (result.more) again = true
    })
    .catch((error: unknown) => getLogger().warn({ err: error }, 'outbox pass failed'))
    .finally(() => {
      running = null
      if (again) {
        again = false
        kickDelivery()
      }
    })
}

/** Waits until the current delivery pass is over (tests use it to read the mailbox afterwards). */
export async function settleDelivery() {
  while (running) await running
}

/** Periodic pass for retries and for messages queued by other app servers. */
export function startOutboxWorker(intervalMs = 5_000) {
  const timer = setInterval(kickDelivery, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
