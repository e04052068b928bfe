import { Schema, type InferSchemaType } from 'mongoose'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/** A server-side session; `_id` is the SHA-256 of the token in the cookie, never the token itself. */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    /** `password`: password checked, second factor pending; `enrol`: must enrol TOTP; `full`: signed in. */
    stage: { type: String, enum: ['password', 'enrol', 'full'], required: true },
    pendingTotpSecret: { type: String },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    ip: { type: String },
    userAgent: { type: String, maxlength: 400 },
  },
  { versionKey: false },
)

sessionSchema.index({ organisationId: 1, userId: 1, expiresAt: 1 })
sessionSchema.plugin(organisationScoped)

export type Session = InferSchemaType<typeof sessionSchema>
export const SessionModel = defineModel('Session', sessionSchema)
