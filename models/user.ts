import { Schema, type InferSchemaType } from 'mongoose'
import { roles, supportedLocales } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

const userSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    email: { type: String, required: true, trim: true, lowercase: true, maxlength: 254 },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    roles: { type: [{ type: String, enum: roles }], required: true },
    status: { type: String, enum: ['active', 'deactivated'], required: true, default: 'active' },
    locale: { type: String, enum: supportedLocales },
    passwordHash: { type: String, select: false },
    totpSecret: { type: String, select: false },
    totpEnrolledAt: { type: Date },
    /** The last TOTP time step accepted: a code is never accepted twice. */
    totpLastStep: { type: Number, select: false },
    recoveryCodeHashes: { type: [String], select: false, default: undefined },
    failedSignIns: { type: Number, required: true, default: 0 },
    lockedUntil: { type: Date },
    lastSignInAt: { type: Date },
  },
  { timestamps: true },
)

userSchema.index({ email: 1 }, { unique: true })
userSchema.index({ organisationId: 1, status: 1, name: 1 })
userSchema.plugin(organisationScoped)

export type User = InferSchemaType<typeof userSchema>
export const UserModel = defineModel('User', userSchema)
