import { Schema, type InferSchemaType } from 'mongoose'
import { defineModel } from './define'

/**
 * Portal-wide settings, one document per key (`_id`, e.g. `retention`). The value is free-form here and
 * validated by the domain module that owns the key when it reads it, so a bad document never reaches a
 * caller unchecked.
 */
const settingSchema = new Schema(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    updatedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    updatedAt: { type: Date, required: true },
  },
  { versionKey: false },
)

export type Setting = InferSchemaType<typeof settingSchema>
export const SettingModel = defineModel('Setting', settingSchema)
