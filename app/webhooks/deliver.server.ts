import { Webhook } from 'standardwebhooks'
import { ClaimModel } from '../../models/claim'
import { OrganisationModel } from '../../models/organisation'
import { WebhookDeliveryModel, WebhookEndpointModel, type WebhookDelivery } from '../../models/webhook'
import { checkWebhookUrl } from './urls.server'
import { claimOnce } from '~/utils/claims.server'
import { getLogger } from '~/utils/logger.server'
import { organisationMayAct } from '~/policy/permissions'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** The Standard Webhooks schedule: after the first try, retries 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h later… */
export const RETRY_DELAYS_MS = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR]
/** …but never later than this after the first try of a round: the last retry is pulled in to the deadline. */
export const RETRY_WINDOW_MS = 24 * HOUR
const TIMEOUT_MS = 10 * SECOND
const LEASE_MS = 60 * SECOND
/** The log keeps this many attempts per delivery (redeliveries add more). */
const KEPT_ATTEMPTS = 50

type Attempt = { at: Date; statusCode?: number; error?: string; durationMs: number }

/** When to try again after the `failed`-th failed try of a round that began at `roundStartedAt`, or null to give up. */
export function nextAttemptAt(failed: number, roundStartedAt: Date, now: Date): Date | null {
  const delay = RETRY_DELAYS_MS[failed - 1]
  const deadline = roundStartedAt.getTime() + RETRY_WINDOW_MS
  if (delay === undefined || now.getTime() >= deadline) return null
  return new Date(Math.min(now.getTime() + delay, deadline))
}

/** Signs and POSTs one message; 2xx is delivered, anything else (redirects included) is a failure. */
async function post(endpoint: { url: string; secret: string }, delivery: Pick<WebhookDelivery, 'messageId' | 'payload'>, at: Date): Promise<Attempt & { ok: boolean }> {
  const checked = checkWebhookUrl(endpoint.url)
  if (!checked.ok) return { ok: false, at, error: 'urlRefused', durationMs: 0 }
  // The receiver checks the timestamp against its own clock, so it is the real time of sending.
  const sentAt = new Date()
  const signature = new Webhook(endpoint.secret).sign(delivery.messageId, sentAt, delivery.payload)
  const started = performance.now()
  const duration = () => Math.round(performance.now() - started)
  try {
    const response = await fetch(checked.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'PaymentChannelPartnership-Webhooks/1',
        'webhook-id': delivery.messageId,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: delivery.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
    // The answer's body is of no use here; do not let a large one hold the connection.
    await response.body?.cancel().catch(() => {})
    return { ok: response.status >= 200 && response.status < 300, at, statusCode: response.status, durationMs: duration() }
  } catch (error) {
    const name = (error as { name?: string }).name
    return { ok: false, at, error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network', durationMs: duration() }
  }
}

/** Claims the next due attempt (each attempt of each delivery once, across servers), or null. */
async function claimNext(now: Date) {
  const candidates = await WebhookDeliveryModel.find({
    $or: [
      { status: 'pending', nextAttemptAt: { $lte: now } },
      { status: 'sending', leaseUntil: { $lt: now } },
    ],
  })
    .setOptions({ acrossOrganisations: 'the delivery worker sends every organisation’s due webhooks' })
    .sort({ nextAttemptAt: 1 })
    .limit(5)
    .lean()
  for (const candidate of candidates) {
    if (!(await claimOnce(`webhook:${String(candidate._id)}:${candidate.attemptCount}`))) continue
    const claimed = { ...candidate, attemptCount: candidate.attemptCount + 1, roundAttempts: candidate.roundAttempts + 1 }
    await WebhookDeliveryModel.updateOne(
      { _id: claimed._id, organisationId: claimed.organisationId },
      { $set: { status: 'sending', attemptCount: claimed.attemptCount, roundAttempts: claimed.roundAttempts, leaseUntil: new Date(now.getTime() + LEASE_MS) } },
    )
    return claimed
  }
  return null
}

/**
 * Sends due deliveries one by one, like the mail outbox: each attempt is claimed first, so several app
 * servers (or overlapping passes) never send the same attempt twice, and a crashed sender's lease runs
 * out. `now` decides what is due and when the next try is (tests pass a later one instead of waiting).
 */
export async function deliverWebhooks({ now = new Date(), limit = 50 }: { now?: Date; limit?: number } = {}) {
  let delivered = 0
  let failed = 0
  for (let i = 0; i < limit; i++) {
    const delivery = await claimNext(now)
    if (!delivery) break
    const scope = { _id: delivery._id, organisationId: delivery.organisationId }
    const [endpoint, organisation] = await Promise.all([
      WebhookEndpointModel.findOne({ _id: delivery.endpointId, organisationId: delivery.organisationId }).select({ url: 1, enabled: 1, secret: 1 }).lean(),
      OrganisationModel.findById(delivery.organisationId).select({ status: 1 }).lean(),
    ])
    let attempt: Attempt & { ok: boolean }
    if (!endpoint || !endpoint.enabled) attempt = { ok: false, at: now, error: 'endpointDisabled', durationMs: 0 }
    else if (!organisation || !organisationMayAct(organisation.status)) attempt = { ok: false, at: now, error: 'organisationInactive', durationMs: 0 }
    else attempt = await post({ url: endpoint.url, secret: endpoint.secret }, delivery, now)
    const { ok, ...logged } = attempt
    const attempts = [...delivery.attempts, logged].slice(-KEPT_ATTEMPTS)
    if (ok) {
      await WebhookDeliveryModel.updateOne(scope, { $set: { status: 'delivered', deliveredAt: now, attempts }, $unset: { leaseUntil: 1, nextAttemptAt: 1 } })
      delivered++
      continue
    }
    failed++
    // A disabled or removed endpoint, or a suspended organisation, is not retried: the admin can redeliver.
    const retryAt = logged.error === 'endpointDisabled' || logged.error === 'organisationInactive' ? null : nextAttemptAt(delivery.roundAttempts, delivery.roundStartedAt, now)
    await WebhookDeliveryModel.updateOne(
      scope,
      retryAt
        ? { $set: { status: 'pending', nextAttemptAt: retryAt, attempts }, $unset: { leaseUntil: 1 } }
        : { $set: { status: 'failed', attempts }, $unset: { leaseUntil: 1, nextAttemptAt: 1 } },
    )
    if (!retryAt) getLogger().warn({ deliveryId: String(delivery._id), attempts: delivery.attemptCount, error: logged.error, statusCode: logged.statusCode }, 'webhook delivery failed for good')
  }
  return { delivered, failed }
}

/** The delivery log keeps finished deliveries this long (payloads carry case details). */
export const DELIVERY_RETENTION_MS = 30 * 24 * HOUR

/**
 * Drops finished deliveries past retention, and attempt claims older than a day: by then the attempt
 * they guarded is long logged, and a claim left by a sender that died before recording its attempt
 * would otherwise hold its delivery back for good.
 */
export async function sweepWebhookRecords(now = new Date()) {
  const deliveries = await WebhookDeliveryModel.deleteMany(
    { status: { $in: ['delivered', 'failed'] }, createdAt: { $lt: new Date(now.getTime() - DELIVERY_RETENTION_MS) } },
    { acrossOrganisations: 'retention of every organisation’s delivery log' },
  )
  const claims = await ClaimModel.deleteMany({ _id: { $regex: /^webhook(-redeliver)?:/ }, at: { $lt: new Date(now.getTime() - 24 * HOUR) } })
  return deliveries.deletedCount + claims.deletedCount
}

let running: Promise<unknown> | null = null
let again = false
/** Starts a delivery pass now (or right after the current one) without waiting for it. */
export function kickWebhookDelivery() {
  if (running) {
    again = true
    return
  }
  running = deliverWebhooks()
    .catch((error: unknown) => getLogger().warn({ err: error }, 'webhook pass failed'))
    .finally(() => {
      running = null
      if (again) {
        again = false
        kickWebhookDelivery()
      }
    })
}

/** Waits until the current delivery pass is over (tests read the receiver afterwards). */
export async function settleWebhookDelivery() {
  while (running) await running
}

/** Periodic pass for retries and for deliveries queued by other app servers. */
export function startWebhookWorker(intervalMs = 5_000) {
  const timer = setInterval(kickWebhookDelivery, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
