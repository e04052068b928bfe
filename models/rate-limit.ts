import { Schema } from 'mongoose'
import { defineModel } from './define'

/** One document per counted attempt: inserts never lose a count, unlike concurrent `$inc`. */
const rateLimitHitSchema = new Schema(
  {
    key: { type: String, required: true },
    at: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
)

rateLimitHitSchema.index({ key: 1, at: 1 })
rateLimitHitSchema.index({ expiresAt: 1 })

export const RateLimitHitModel = defineModel('RateLimitHit', rateLimitHitSchema)
