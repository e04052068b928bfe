import { Schema, type InferSchemaType } from 'mongoose'
import { organisationKinds, organisationStatuses } from '../app/domain/vocabulary'
import { defineModel } from './define'

const contactSchema = new Schema(
  {
    name: { type: String, trim: true, maxlength: 120 },
    email: { type: String, trim: true, lowercase: true, maxlength: 254 },
    phone: { type: String, trim: true, maxlength: 32 },
  },
  { _id: false },
)

const organisationSchema = new Schema(
  {
    legalName: { type: String, required: true, trim: true, minlength: 2, maxlength: 200 },
    /** Lower-cased legal name: the uniqueness key (no collation support on every backend). */
    nameKey: { type: String, required: true },
    kind: { type: String, enum: organisationKinds, required: true },
    country: { type: String, required: true, match: /^[A-Z]{2}$/ },
    agreementReference: { type: String, trim: true, maxlength: 80 },
    contact: { type: contactSchema, default: () => ({}) },
    status: { type: String, enum: organisationStatuses, required: true, default: 'applied' },
    probationEndsAt: { type: Date },
    suspensionReason: { type: String, trim: true, maxlength: 500 },
    /** The operator of the portal: holds platform admins, sees no case content. */
    isOperator: { type: Boolean, default: false },
    applicant: {
      type: new Schema(
        {
          name: { type: String, trim: true, maxlength: 120 },
          email: { type: String, trim: true, lowercase: true, maxlength: 254 },
          locale: { type: String },
        },
        { _id: false },
      ),
    },
    termsAcceptedAt: { type: Date },
    /** A centre's default days to the due date per task priority. */
    duePolicy: {
      type: new Schema(
        {
          urgent: { type: Number, min: 0, max: 365 },
          high: { type: Number, min: 0, max: 365 },
          normal: { type: Number, min: 0, max: 365 },
          low: { type: Number, min: 0, max: 365 },
        },
        { _id: false },
      ),
    },
    vetting: {
      type: new Schema(
        {
          decision: { type: String, enum: ['approved', 'rejected'] },
          reason: { type: String, trim: true, maxlength: 1000 },
          decidedBy: { type: Schema.Types.ObjectId, ref: 'User' },
          decidedAt: { type: Date },
        },
        { _id: false },
      ),
    },
  },
  { timestamps: true },
)

organisationSchema.index({ nameKey: 1 }, { unique: true })
organisationSchema.index({ status: 1, kind: 1, country: 1 })

export type Organisation = InferSchemaType<typeof organisationSchema>
export const OrganisationModel = defineModel('Organisation', organisationSchema)
