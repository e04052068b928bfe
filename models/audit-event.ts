import { Schema, type InferSchemaType } from 'mongoose'
import { defineModel } from './define'

/** Append-only, hash-chained: each event stores the hash of the one before it. */
const auditEventSchema = new Schema(
  {
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actorUserId: { type: String },
    actorOrganisationId: { type: String },
    actorLabel: { type: String },
    action: { type: String, required: true },
    targetKind: { type: String },
    targetId: { type: String },
    outcome: { type: String, enum: ['success', 'failure', 'denied'], required: true },
    ip: { type: String },
    userAgent: { type: String },
    details: { type: Schema.Types.Mixed },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  // Stored exactly as hashed: Mongoose must not drop empty objects from the details.
  { versionKey: false, minimize: false },
)

auditEventSchema.index({ seq: 1 }, { unique: true })
auditEventSchema.index({ action: 1, at: -1 })
auditEventSchema.index({ actorOrganisationId: 1, at: -1 })

export type AuditEvent = InferSchemaType<typeof auditEventSchema>
export const AuditEventModel = defineModel('AuditEvent', auditEventSchema)
