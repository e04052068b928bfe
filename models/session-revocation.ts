import { Schema } from 'mongoose'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/**
 * A revoked session: written as its own document so that no concurrent update of the session (its
 * last-seen time) can undo a revocation.
 */
const sessionRevocationSchema = new Schema(
  {
    _id: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    at: { type: Date, required: true },
    reason: { type: String, required: true },
  },
  { versionKey: false },
)

sessionRevocationSchema.index({ organisationId: 1, userId: 1 })
sessionRevocationSchema.plugin(organisationScoped)

export const SessionRevocationModel = defineModel('SessionRevocation', sessionRevocationSchema)
