import crypto from 'node:crypto'
import nodemailer, { type Transporter } from 'nodemailer'
import { OutboxMessageModel } from '../../models/outbox-message'
import { getEnv } from '~/utils/env.server'
import { claimOnce } from '~/utils/claims.server'
import { getLogger } from '~/utils/logger.server'

const MAX_ATTEMPTS = 8
const LEASE_MS = 60_000

export type MailInput = { to: string; subject: string; text: string; kind: string; dedupeKey?: string }

/** Puts a message in the outbox; the worker delivers it. The same `dedupeKey` never queues twice. */
export async function enqueueMail(input: MailInput) {
  const dedupeKey = input.dedupeKey ?? crypto.randomUUID()
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
 * Delivers due messages one by one. Each is claimed with a lease first, so several app servers (or
 * overlapping runs) never send the same message twice; a crashed sender's lease simply runs out.
 */
export async function deliverOutbox({ limit = 50 } = {}) {
  const mailer = transporter()
  if (!mailer) return { sent: 0, failed: 0 }
  let sent = 0
  let failed = 0
  for (let i = 0; i < limit; i++) {
    const now = new Date()
    const candidates = await OutboxMessageModel.find({
      $or: [
        { status: 'pending', nextAttemptAt: { $lte: now } },
        { status: 'sending', leaseUntil: { $lt: now } },
      ],
    })
      .sort({ nextAttemptAt: 1 })
      .limit(5)
      .lean()
    // Each attempt of each message is claimed once: two workers never send the same attempt.
    let message: (typeof candidates)[number] | undefined
    for (const candidate of candidates) {
      if (await claimOnce(`outbox:${String(candidate._id)}:${candidate.attempts}`)) {
        message = { ...candidate, attempts: candidate.attempts + 1 }
        break
      }
    }
    if (message) {
      await OutboxMessageModel.updateOne(
        { _id: message._id },
        { $set: { status: 'sending', attempts: message.attempts, leaseUntil: new Date(now.getTime() + LEASE_MS) } },
      )
    }
    if (!message) break
    try {
      await mailer.sendMail({ from: getEnv().MAIL_FROM, to: message.to, subject: message.subject, text: message.text })
      await OutboxMessageModel.updateOne({ _id: message._id }, { $set: { status: 'sent', sentAt: new Date() }, $unset: { leaseUntil: 1 } })
      sent++
    } catch (error) {
      failed++
      const giveUp = message.attempts >= MAX_ATTEMPTS
      const backoffMs = Math.min(2 ** message.attempts * 5_000, 60 * 60_000)
      await OutboxMessageModel.updateOne(
        { _id: message._id },
        {
          $set: {
            status: giveUp ? 'failed' : 'pending',
            nextAttemptAt: new Date(Date.now() + backoffMs),
            lastError: String((error as Error).message).slice(0, 500),
          },
          $unset: { leaseUntil: 1 },
        },
      )
      getLogger().warn({ messageId: String(message._id), attempts: message.attempts, giveUp }, 'mail delivery failed')
    }
  }
  return { sent, failed }
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
