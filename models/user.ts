import { Schema, type InferSchemaType } from 'mongoose'
import { notificationEvents, roles, supportedLocales } from '../app/domain/vocabulary'
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
    recoveryCodeHashes: { type: [String], select: false, default: undefined },
    lastSignInAt: { type: Date },
    /** Notification events this person does not want by e-mail (in-app stays). */
    mutedEmailEvents: { type: [{ type: String, enum: notificationEvents }], default: undefined },
  },
  { timestamps: true },
)

userSchema.index({ email: 1 }, { unique: true })
userSchema.index({ organisationId: 1, status: 1, name: 1 })
userSchema.plugin(organisationScoped)

export type User = InferSchemaType<typeof userSchema>
export const UserModel = defineModel('User', userSchema)
