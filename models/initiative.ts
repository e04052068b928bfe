import { Schema, type InferSchemaType } from 'mongoose'
import { tlpLabels } from '../app/domain/vocabulary'
import { defineModel } from './define'

export const initiativeStatuses = ['planned', 'active', 'paused', 'completed', 'archived'] as const

/** A joint campaign against one payment channel or network, led by a centre. */
const initiativeSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    purpose: { type: String, required: true, trim: true, maxlength: 2000 },
    leadCentreId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    /** Organisations that accepted the lead centre's invitation. */
    participantIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Organisation' }], default: [] },
    status: { type: String, enum: initiativeStatuses, required: true, default: 'planned' },
    startAt: { type: Date },
    targetAt: { type: Date },
    tlp: { type: String, enum: tlpLabels, required: true, default: 'AMBER' },
  },
  { timestamps: true },
)

initiativeSchema.index({ leadCentreId: 1, status: 1 })
initiativeSchema.index({ participantIds: 1 })

export type Initiative = InferSchemaType<typeof initiativeSchema>
export const InitiativeModel = defineModel('Initiative', initiativeSchema)
