import { Schema } from 'mongoose'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/**
 * Failed sign-ins and the events that clear them (success, password reset, reactivation), one document
 * each, from which the lockout is computed: counting inserts is exact under concurrency.
 */
const signInEventSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    kind: { type: String, enum: ['failure', 'clear'], required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
)

signInEventSchema.index({ organisationId: 1, userId: 1, kind: 1, at: -1 })
signInEventSchema.plugin(organisationScoped)

export const SignInEventModel = defineModel('SignInEvent', signInEventSchema)
