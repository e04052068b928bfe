import { Schema, type InferSchemaType } from 'mongoose'
import { webhookEvents } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/**
 * An address where a partner's own system receives signed events. The signing secret (Standard
 * Webhooks `whsec_` + base64) is needed in clear to sign, so it cannot be hashed: it is never selected
 * unless asked for, and shown to the admin only when it is created or rotated.
 */
const webhookEndpointSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    url: { type: String, required: true, maxlength: 2000 },
    description: { type: String, default: '', maxlength: 200 },
    events: { type: [{ type: String, enum: webhookEvents }], required: true },
    secret: { type: String, required: true, select: false },
    enabled: { type: Boolean, required: true, default: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    createdByName: { type: String },
    secretRotatedAt: { type: Date },
  },
  { timestamps: true },
)

webhookEndpointSchema.index({ organisationId: 1, createdAt: -1 })
webhookEndpointSchema.plugin(organisationScoped)

export type WebhookEndpoint = InferSchemaType<typeof webhookEndpointSchema>
export const WebhookEndpointModel = defineModel('WebhookEndpoint', webhookEndpointSchema)

export const webhookDeliveryStatuses = ['pending', 'sending', 'delivered', 'failed'] as const

/** One try at a delivery: the receiver's HTTP status, or why there was none (an error code). */
const webhookAttemptSchema = new Schema(
  {
    at: { type: Date, required: true },
    statusCode: { type: Number },
    error: { type: String, maxlength: 40 },
    durationMs: { type: Number, required: true },
  },
  { _id: false },
)

/**
 * One event for one endpoint. The same message id (`msg_…`) is kept across retries and redeliveries,
 * so a receiver can drop duplicates. `attemptCount` numbers the claims of attempts (never reset);
 * `roundAttempts` and `roundStartedAt` drive the retry schedule, which a redelivery starts afresh.
 */
const webhookDeliverySchema = new Schema(
  {
    endpointId: { type: Schema.Types.ObjectId, ref: 'WebhookEndpoint', required: true },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    event: { type: String, enum: webhookEvents, required: true },
    messageId: { type: String, required: true },
    payload: { type: String, required: true },
    dedupeKey: { type: String, required: true },
    status: { type: String, enum: webhookDeliveryStatuses, required: true, default: 'pending' },
    attempts: { type: [webhookAttemptSchema], default: [] },
    attemptCount: { type: Number, required: true, default: 0 },
    roundAttempts: { type: Number, required: true, default: 0 },
    roundStartedAt: { type: Date, required: true },
    nextAttemptAt: { type: Date },
    leaseUntil: { type: Date },
    deliveredAt: { type: Date },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
)

webhookDeliverySchema.index({ endpointId: 1, dedupeKey: 1 }, { unique: true })
webhookDeliverySchema.index({ endpointId: 1, createdAt: -1, _id: -1 })
webhookDeliverySchema.index({ status: 1, nextAttemptAt: 1 })
webhookDeliverySchema.plugin(organisationScoped)

export type WebhookDelivery = InferSchemaType<typeof webhookDeliverySchema>
export const WebhookDeliveryModel = defineModel('WebhookDelivery', webhookDeliverySchema)
