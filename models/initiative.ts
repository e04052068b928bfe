import { Schema, type InferSchemaType } from 'mongoose'
import { actionTypes, tlpLabels } from '../app/domain/vocabulary'
import { defineModel } from './define'

export const initiativeStatuses = ['planned', 'active', 'paused', 'completed', 'archived'] as const
export const initiativeHealths = ['on_track', 'at_risk', 'off_track'] as const

const objectiveSchema = new Schema(
  {
    actionType: { type: String, enum: actionTypes, required: true },
    target: { type: Number, required: true, min: 1, max: 10_000_000 },
  },
  { _id: true },
)

const milestoneSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    dueAt: { type: Date, required: true },
    doneAt: { type: Date },
  },
  { _id: true },
)

const statusUpdateSchema = new Schema(
  {
    at: { type: Date, required: true },
    authorUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    authorName: { type: String },
    text: { type: String, required: true, trim: true, maxlength: 2000 },
    health: { type: String, enum: initiativeHealths, required: true },
  },
  { _id: true },
)

const invitationSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    status: { type: String, enum: ['invited', 'accepted', 'declined'], required: true },
    at: { type: Date, required: true },
  },
  { _id: false },
)

/** A joint campaign against one payment channel or network, led by a centre. */
const initiativeSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    /** What its data may be used for: shown wherever the initiative's data is shown. */
    purpose: { type: String, required: true, trim: true, maxlength: 2000 },
    leadCentreId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    /** Organisations that accepted the lead centre's invitation. */
    participantIds: { type: [{ type: Schema.Types.ObjectId, ref: 'Organisation' }], default: [] },
    invitations: { type: [invitationSchema], default: [] },
    status: { type: String, enum: initiativeStatuses, required: true, default: 'planned' },
    startAt: { type: Date },
    targetAt: { type: Date },
    tlp: { type: String, enum: tlpLabels, required: true, default: 'AMBER' },
    objectives: { type: [objectiveSchema], default: [] },
    milestones: { type: [milestoneSchema], default: [] },
    updates: { type: [statusUpdateSchema], default: [] },
    /** Completion counts not-applicable tasks as done unless the lead turns this on. */
    excludeNotApplicable: { type: Boolean, default: false },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
)

initiativeSchema.index({ leadCentreId: 1, status: 1 })
initiativeSchema.index({ participantIds: 1 })
initiativeSchema.index({ status: 1, updatedAt: -1 })

export type Initiative = InferSchemaType<typeof initiativeSchema>
export const InitiativeModel = defineModel('Initiative', initiativeSchema)
