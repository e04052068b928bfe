import crypto from 'node:crypto'
import { Types } from 'mongoose'
import { OrganisationModel } from '../../models/organisation'
import { WebhookDeliveryModel, WebhookEndpointModel } from '../../models/webhook'
import { kickWebhookDelivery } from './deliver.server'
import type { WebhookEvent } from '~/domain/vocabulary'
import { organisationMayAct } from '~/policy/permissions'

/** A Standard Webhooks message id; the same one travels with every retry of the message. */
export const newMessageId = () => `msg_${crypto.randomBytes(18).toString('base64url')}`

/** Whether any enabled endpoint of the organisation listens for `event` (saves building a payload for no one). */
export async function hasWebhookSubscribers(organisationId: string, event: WebhookEvent) {
  if (!Types.ObjectId.isValid(organisationId)) return false
  return Boolean(await WebhookEndpointModel.exists({ organisationId: new Types.ObjectId(organisationId), enabled: true, events: event }))
}

/**
 * Queues one signed delivery of `event` per enabled endpoint of the organisation subscribed to it and
 * returns how many were queued. Idempotent per `dedupeKey` and endpoint (a unique index), so a retried
 * request or job may call it again. The caller builds `data` with only what that organisation may see.
 * An organisation without endpoints, or one that is not active or on probation, gets nothing.
 */
export async function emitWebhookEvent(input: { event: WebhookEvent; organisationId: string; data: Record<string, unknown>; dedupeKey: string }): Promise<number> {
  if (!Types.ObjectId.isValid(input.organisationId)) return 0
  const organisationId = new Types.ObjectId(input.organisationId)
  const endpoints = await WebhookEndpointModel.find({ organisationId, enabled: true, events: input.event }).select({ _id: 1 }).lean()
  if (endpoints.length === 0) return 0
  const organisation = await OrganisationModel.findById(organisationId).select({ status: 1 }).lean()
  if (!organisation || !organisationMayAct(organisation.status)) return 0
  const now = new Date()
  const payload = JSON.stringify({ type: input.event, timestamp: now.toISOString(), data: input.data })
  let queued = 0
  for (const endpoint of endpoints) {
    try {
      await WebhookDeliveryModel.create({
        endpointId: endpoint._id,
        organisationId,
        event: input.event,
        messageId: newMessageId(),
        payload,
        dedupeKey: input.dedupeKey,
        status: 'pending',
        roundStartedAt: now,
        nextAttemptAt: now,
        createdAt: now,
      })
      queued++
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error
    }
  }
  if (queued > 0) kickWebhookDelivery()
  return queued
}
