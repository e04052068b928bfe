import { Schema, type InferSchemaType } from 'mongoose'
import { defineModel } from './define'

/** Every e-mail goes through this collection; a worker delivers it over SMTP. */
const outboxMessageSchema = new Schema(
  {
    to: { type: String, required: true },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    kind: { type: String, required: true },
    status: { type: String, enum: ['pending', 'sending', 'sent', 'failed'], required: true, default: 'pending' },
    attempts: { type: Number, required: true, default: 0 },
    nextAttemptAt: { type: Date, required: true },
    leaseUntil: { type: Date },
    lastError: { type: String },
    sentAt: { type: Date },
    /** Makes an enqueue idempotent: the same key never produces two messages. */
    dedupeKey: { type: String, required: true },
  },
  { timestamps: true },
)

outboxMessageSchema.index({ status: 1, nextAttemptAt: 1 })
outboxMessageSchema.index({ dedupeKey: 1 }, { unique: true })

export type OutboxMessage = InferSchemaType<typeof outboxMessageSchema>
export const OutboxMessageModel = defineModel('OutboxMessage', outboxMessageSchema)
