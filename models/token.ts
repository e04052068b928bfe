import { Schema, type InferSchemaType } from 'mongoose'
import { roles } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/** Single-use links (invitations, password resets); only the SHA-256 of the token is stored. */
const tokenSchema = new Schema(
  {
    purpose: { type: String, enum: ['invitation', 'password_reset'], required: true },
    tokenHash: { type: String, required: true },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    email: { type: String, required: true, lowercase: true, trim: true },
    name: { type: String, trim: true, maxlength: 120 },
    roles: { type: [{ type: String, enum: roles }], default: undefined },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
    expiresAt: { type: Date, required: true },
    usedAt: { type: Date },
    revokedAt: { type: Date },
  },
  { timestamps: true },
)

tokenSchema.index({ tokenHash: 1 }, { unique: true })
tokenSchema.index({ organisationId: 1, purpose: 1, createdAt: -1 })
tokenSchema.plugin(organisationScoped)

export type Token = InferSchemaType<typeof tokenSchema>
export const TokenModel = defineModel('Token', tokenSchema)
