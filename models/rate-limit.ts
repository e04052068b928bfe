import { Schema } from 'mongoose'
import { defineModel } from './define'

/** Fixed-window counters, one document per key and window. */
const rateLimitSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true, default: 0 },
    expiresAt: { type: Date, required: true },
  },
  { versionKey: false },
)

export const RateLimitModel = defineModel('RateLimit', rateLimitSchema)
