import { Schema, type InferSchemaType } from 'mongoose'
import { apiScopes } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/**
 * A key a partner's own system uses to call the API for its organisation. `_id` is the visible prefix
 * (`pcp_` + 12 characters), so a call finds its key by `_id`; the secret part is kept only as a SHA-256
 * hash. `actorId` is the id the key acts under in timelines, reports and the audit log.
 */
const apiKeySchema = new Schema(
  {
    _id: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    actorId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true, trim: true, maxlength: 80 },
    secretHash: { type: String, required: true },
    scopes: { type: [{ type: String, enum: apiScopes }], required: true },
    expiresAt: { type: Date, required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    createdByName: { type: String },
    revokedAt: { type: Date },
    revokedByName: { type: String },
    lastUsedAt: { type: Date },
    lastUsedIp: { type: String },
  },
  { timestamps: true, versionKey: false },
)

apiKeySchema.index({ organisationId: 1, createdAt: -1 })
apiKeySchema.plugin(organisationScoped, { paths: ['organisationId'] })

export type ApiKey = InferSchemaType<typeof apiKeySchema>
export const ApiKeyModel = defineModel('ApiKey', apiKeySchema)

/**
 * The first answer to a POST sent with an `Idempotency-Key`: `_id` is `<key id>:<sha256 of the
 * header>`, inserted before the work (the insert is the claim), completed with the answer after it.
 */
const apiIdempotencySchema = new Schema(
  {
    _id: { type: String, required: true },
    requestHash: { type: String, required: true },
    state: { type: String, enum: ['pending', 'done'], required: true },
    status: { type: Number },
    body: { type: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
)

apiIdempotencySchema.index({ createdAt: 1 })

export const ApiIdempotencyModel = defineModel('ApiIdempotency', apiIdempotencySchema)
