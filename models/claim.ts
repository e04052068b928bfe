import { Schema } from 'mongoose'
import { defineModel } from './define'

/**
 * One document per decision that must happen at most once ("this token was used", "this TOTP step
 * was accepted"). Inserting a unique `_id` is atomic on every backend we run on; conditional updates
 * are not (see docs/decisions/0003-atomic-claims.md).
 */
const claimSchema = new Schema(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { versionKey: false },
)

export const ClaimModel = defineModel('Claim', claimSchema)
