import crypto from 'node:crypto'
import { Types } from 'mongoose'
import { z } from 'zod'
import { WebhookDeliveryModel, WebhookEndpointModel } from '../../models/webhook'
import { kickWebhookDelivery } from './deliver.server'
import { checkWebhookUrl } from './urls.server'
import { recordAudit } from '~/audit/audit.server'
import { webhookEvents, type WebhookEvent } from '~/domain/vocabulary'
import { can, type Viewer } from '~/policy/permissions'
import { claimOnce } from '~/utils/claims.server'
import type { RequestMeta } from '~/utils/request.server'
import { objectId, safeText } from '~/utils/text-schemas'

export class WebhookError extends Error {
  override name = 'WebhookError'
  constructor(public readonly code: 'notFound' | 'forbidden' | 'tooMany' | 'inProgress' | 'endpointDisabled') {
    super(code)
  }
}

/** An organisation keeps at most this many endpoints (each event fans out to all of them). */
export const MAX_ENDPOINTS = 10
export const DELIVERIES_PER_PAGE = 20

const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
const newSecret = () => `whsec_${crypto.randomBytes(32).toString('base64')}`

const checkbox = z.preprocess((value) => value === 'on' || value === 'true' || value === 'yes', z.boolean())
const eventList = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.enum(webhookEvents, { error: 'invalid' })).min(1, 'webhooks:errors.eventsRequired'),
)
const description = z.preprocess((value) => (typeof value === 'string' ? value.trim() : ''), safeText(200))

export const endpointInput = z.object({
  url: z
    .string({ error: 'required' })
    .trim()
    .min(1, 'required')
    .transform((value, ctx) => {
      const checked = checkWebhookUrl(value)
      if (checked.ok) return checked.url
      ctx.addIssue({ code: 'custom', message: checked.error === 'tooLong' ? 'tooLong' : `webhooks:errors.${checked.error}` })
      return z.NEVER
    }),
  description,
  events: eventList,
})
export type EndpointInput = z.input<typeof endpointInput>

export const endpointChangesInput = z.object({ description, events: eventList, enabled: checkbox })
export type EndpointChanges = z.input<typeof endpointChangesInput>

function requireManager(viewer: Viewer) {
  if (!can(viewer, 'integration:manage')) throw new WebhookError('forbidden')
}

function endpointFilter(viewer: Viewer, endpointId: string | undefined) {
  if (!endpointId || !objectId.safeParse(endpointId).success) throw new WebhookError('notFound')
  return { _id: new Types.ObjectId(endpointId), organisationId: new Types.ObjectId(viewer.organisationId) }
}

const endpointFields = { url: 1, description: 1, events: 1, enabled: 1, createdAt: 1, createdByName: 1, secretRotatedAt: 1 } as const

type StoredEndpoint = {
  _id: Types.ObjectId
  url: string
  description?: string | null
  events: string[]
  enabled: boolean
  createdAt: Date
  createdByName?: string | null
  secretRotatedAt?: Date | null
}

const eventsOf = (events: string[]) => webhookEvents.filter((event) => events.includes(event))

function endpointView(endpoint: StoredEndpoint) {
  return {
    id: String(endpoint._id),
    url: endpoint.url,
    description: endpoint.description ?? '',
    events: eventsOf(endpoint.events),
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    createdByName: endpoint.createdByName ?? null,
    secretRotatedAt: endpoint.secretRotatedAt?.toISOString() ?? null,
  }
}
export type EndpointView = ReturnType<typeof endpointView>

/** The organisation's endpoints, newest first, each with the outcome of its latest delivery (never the secret). */
export async function listEndpoints(viewer: Viewer) {
  requireManager(viewer)
  const endpoints = await WebhookEndpointModel.find({ organisationId: viewer.organisationId })
    .select(endpointFields)
    .sort({ createdAt: -1, _id: -1 })
    .limit(MAX_ENDPOINTS * 2)
    .lean<StoredEndpoint[]>()
  return Promise.all(
    endpoints.map(async (endpoint) => {
      const last = await WebhookDeliveryModel.findOne({ endpointId: endpoint._id, organisationId: viewer.organisationId })
        .select({ status: 1, event: 1, createdAt: 1, deliveredAt: 1 })
        .sort({ createdAt: -1, _id: -1 })
        .lean()
      return {
        ...endpointView(endpoint),
        lastDelivery: last ? { status: last.status, event: last.event, at: (last.deliveredAt ?? last.createdAt).toISOString() } : null,
      }
    }),
  )
}

/** One endpoint of the viewer's organisation; any other answers "not found". */
export async function getEndpoint(viewer: Viewer, endpointId: string | undefined) {
  requireManager(viewer)
  const endpoint = await WebhookEndpointModel.findOne(endpointFilter(viewer, endpointId)).select(endpointFields).lean<StoredEndpoint>()
  if (!endpoint) throw new WebhookError('notFound')
  return endpointView(endpoint)
}

/** Registers an endpoint; the secret is returned here, once, and on rotation — never listed. */
export async function createEndpoint(viewer: Viewer, raw: EndpointInput, meta?: RequestMeta) {
  requireManager(viewer)
  const input = endpointInput.parse(raw)
  const count = await WebhookEndpointModel.countDocuments({ organisationId: viewer.organisationId })
  if (count >= MAX_ENDPOINTS) throw new WebhookError('tooMany')
  const secret = newSecret()
  const created = await WebhookEndpointModel.create({
    organisationId: viewer.organisationId,
    url: input.url,
    description: input.description,
    events: input.events,
    secret,
    enabled: true,
    createdBy: viewer.userId,
    createdByName: viewer.name,
  })
  const id = String(created._id)
  await recordAudit({
    action: 'webhook.endpoint_created',
    actor: actorOf(viewer),
    target: { kind: 'webhook_endpoint', id },
    meta,
    details: { host: new URL(input.url).host, events: input.events },
  })
  return { id, secret }
}

/** Changes what an endpoint hears and whether it is on. Turning it off stops its queued deliveries too. */
export async function updateEndpoint(viewer: Viewer, endpointId: string, raw: EndpointChanges, meta?: RequestMeta) {
  const before = await getEndpoint(viewer, endpointId)
  const input = endpointChangesInput.parse(raw)
  const events = eventsOf(input.events)
  const changed = [
    input.description !== before.description && 'description',
    events.join() !== before.events.join() && 'events',
    input.enabled !== before.enabled && 'enabled',
  ].filter((field): field is string => Boolean(field))
  if (changed.length === 0) return []
  const filter = endpointFilter(viewer, endpointId)
  await WebhookEndpointModel.updateOne(filter, { $set: { description: input.description, events, enabled: input.enabled } })
  await recordAudit({
    action: 'webhook.endpoint_updated',
    actor: actorOf(viewer),
    target: { kind: 'webhook_endpoint', id: endpointId },
    meta,
    details: { fields: changed, events, enabled: input.enabled },
  })
  return changed
}

/** A new signing secret, effective at once for every delivery not yet sent; returned once. */
export async function rotateSecret(viewer: Viewer, endpointId: string, meta?: RequestMeta) {
  await getEndpoint(viewer, endpointId)
  const secret = newSecret()
  await WebhookEndpointModel.updateOne(endpointFilter(viewer, endpointId), { $set: { secret, secretRotatedAt: new Date() } })
  await recordAudit({ action: 'webhook.secret_rotated', actor: actorOf(viewer), target: { kind: 'webhook_endpoint', id: endpointId }, meta })
  return { secret }
}

/** Removes an endpoint with its delivery log. */
export async function deleteEndpoint(viewer: Viewer, endpointId: string, meta?: RequestMeta) {
  const endpoint = await getEndpoint(viewer, endpointId)
  const filter = endpointFilter(viewer, endpointId)
  await WebhookEndpointModel.deleteOne(filter)
  await WebhookDeliveryModel.deleteMany({ endpointId: filter._id, organisationId: filter.organisationId })
  await recordAudit({
    action: 'webhook.endpoint_deleted',
    actor: actorOf(viewer),
    target: { kind: 'webhook_endpoint', id: endpointId },
    meta,
    details: { host: new URL(endpoint.url).host },
  })
  return endpoint
}

const cursorInput = z.string().regex(/^\d{1,15}-[a-f\d]{24}$/i)

/** The endpoint's deliveries, newest first, a page at a time (keyset on createdAt and _id; `after` is the cursor). */
export async function listDeliveries(viewer: Viewer, endpointId: string, { after }: { after?: string | null } = {}) {
  const filter = endpointFilter(viewer, endpointId)
  await getEndpoint(viewer, endpointId)
  const cursor = after && cursorInput.safeParse(after).success ? after.split('-') : null
  const keyset = cursor
    ? {
        $or: [
          { createdAt: { $lt: new Date(Number(cursor[0])) } },
          { createdAt: new Date(Number(cursor[0])), _id: { $lt: new Types.ObjectId(cursor[1]) } },
        ],
      }
    : {}
  const rows = await WebhookDeliveryModel.find({ endpointId: filter._id, organisationId: filter.organisationId, ...keyset })
    .select({ event: 1, messageId: 1, status: 1, attempts: 1, nextAttemptAt: 1, deliveredAt: 1, createdAt: 1 })
    .sort({ createdAt: -1, _id: -1 })
    .limit(DELIVERIES_PER_PAGE + 1)
    .lean()
  const page = rows.slice(0, DELIVERIES_PER_PAGE)
  const last = page.at(-1)
  return {
    items: page.map((row) => ({
      id: String(row._id),
      event: row.event as WebhookEvent,
      messageId: row.messageId,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      deliveredAt: row.deliveredAt?.toISOString() ?? null,
      nextAttemptAt: row.status === 'pending' && row.nextAttemptAt ? row.nextAttemptAt.toISOString() : null,
      attempts: row.attempts.map((attempt) => ({
        at: attempt.at.toISOString(),
        statusCode: attempt.statusCode ?? null,
        error: attempt.error ?? null,
        durationMs: attempt.durationMs,
      })),
    })),
    next: rows.length > DELIVERIES_PER_PAGE && last ? `${last.createdAt.getTime()}-${String(last._id)}` : null,
  }
}

/**
 * Queues a delivery again now, with a fresh retry schedule and the same message id (so the receiver
 * can tell it is the same event). Not while an attempt is being sent.
 */
export async function redeliver(viewer: Viewer, endpointId: string, deliveryId: string | undefined, meta?: RequestMeta) {
  const filter = endpointFilter(viewer, endpointId)
  const endpoint = await getEndpoint(viewer, endpointId)
  if (!deliveryId || !objectId.safeParse(deliveryId).success) throw new WebhookError('notFound')
  const delivery = await WebhookDeliveryModel.findOne({ _id: deliveryId, endpointId: filter._id, organisationId: filter.organisationId })
    .select({ status: 1, attemptCount: 1, event: 1 })
    .lean()
  if (!delivery) throw new WebhookError('notFound')
  if (!endpoint.enabled) throw new WebhookError('endpointDisabled')
  // One redelivery per state of the delivery: a double click queues it once.
  if (delivery.status === 'sending' || !(await claimOnce(`webhook-redeliver:${deliveryId}:${delivery.attemptCount}:${delivery.status}`))) {
    throw new WebhookError('inProgress')
  }
  const now = new Date()
  await WebhookDeliveryModel.updateOne(
    { _id: delivery._id, organisationId: filter.organisationId },
    { $set: { status: 'pending', nextAttemptAt: now, roundStartedAt: now, roundAttempts: 0 }, $unset: { leaseUntil: 1 } },
  )
  await recordAudit({
    action: 'webhook.redelivered',
    actor: actorOf(viewer),
    target: { kind: 'webhook_delivery', id: deliveryId },
    meta,
    details: { endpoint: endpointId, event: delivery.event, previousStatus: delivery.status },
  })
  kickWebhookDelivery()
}
