import { Schema, type InferSchemaType } from 'mongoose'
import { actionTypes, matchReasonCodes } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

const actionSchema = new Schema(
  {
    type: { type: String, enum: actionTypes, required: true },
    quantity: { type: Number, required: true, min: 1, max: 1_000_000 },
    actionDate: { type: Date, required: true },
    reference: { type: String, trim: true, maxlength: 120 },
    matchReasonCode: { type: String, enum: matchReasonCodes },
    note: { type: String, trim: true, maxlength: 2000 },
  },
  { _id: false },
)

/**
 * A partner's report of the actions it took on a task. A correction is a new version; earlier versions
 * stay for the history, marked superseded. KPIs count the actions of verified current versions.
 */
const actionReportSchema = new Schema(
  {
    taskId: { type: Schema.Types.ObjectId, ref: 'Task', required: true },
    ownerCentreId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    assigneeOrganisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    initiativeId: { type: Schema.Types.ObjectId, ref: 'Initiative' },
    version: { type: Number, required: true, min: 1 },
    actions: { type: [actionSchema], required: true },
    status: { type: String, enum: ['current', 'superseded'], required: true, default: 'current' },
    verification: { type: String, enum: ['pending', 'verified', 'returned'], required: true, default: 'pending' },
    verifiedAt: { type: Date },
    submittedBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    submittedByName: { type: String },
    submittedAt: { type: Date, required: true },
  },
  { versionKey: false },
)

actionReportSchema.index({ taskId: 1, version: 1 }, { unique: true })
actionReportSchema.index({ initiativeId: 1, verification: 1, status: 1 })
actionReportSchema.index({ assigneeOrganisationId: 1, submittedAt: -1 })
actionReportSchema.index({ ownerCentreId: 1, submittedAt: -1 })
actionReportSchema.plugin(organisationScoped, { paths: ['ownerCentreId', 'assigneeOrganisationId'] })

export type ActionReport = InferSchemaType<typeof actionReportSchema>
export const ActionReportModel = defineModel('ActionReport', actionReportSchema)
