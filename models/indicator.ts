import { Schema, type InferSchemaType } from 'mongoose'
import { credibilityGrades, indicatorStatuses, indicatorTypes, reliabilityGrades, sightingKinds, tlpLabels } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/**
 * One payment-channel signal, identified by (type, normal form). Its `_id` is derived from both
 * (`indicatorId()`), so a lookup by value is an `_id` lookup on every backend and the same value can
 * never be stored twice. What each organisation said about it lives in its submissions.
 */
const indicatorSchema = new Schema(
  {
    _id: { type: String, required: true },
    type: { type: String, enum: indicatorTypes, required: true },
    normalised: { type: String, required: true, maxlength: 2048 },
    /** Chain of a crypto wallet (btc, eth, xmr, …); untraceable chains are marked. */
    chain: { type: String },
    untraceable: { type: Boolean, default: false },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
  },
  { timestamps: true },
)

indicatorSchema.index({ type: 1, normalised: 1 })

export type Indicator = InferSchemaType<typeof indicatorSchema>
export const IndicatorModel = defineModel('Indicator', indicatorSchema)

/** What one organisation submitted about an indicator: its own label, grading, context and clock. */
const indicatorSubmissionSchema = new Schema(
  {
    /** `<indicator id>:<organisation id>`: one submission per organisation and indicator (re-imports add nothing). */
    _id: { type: String, required: true },
    indicatorId: { type: String, required: true, ref: 'Indicator' },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    submittedBy: { type: Schema.Types.ObjectId, ref: 'User' },
    /** The value as the source wrote it (shown defanged for URLs and domains). */
    value: { type: String, required: true, maxlength: 2048 },
    tlp: { type: String, enum: tlpLabels, required: true },
    redRecipientIds: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: undefined },
    initiativeId: { type: Schema.Types.ObjectId, ref: 'Initiative' },
    personal: { type: Boolean, required: true, default: false },
    reliability: { type: String, enum: reliabilityGrades, required: true },
    credibility: { type: String, enum: credibilityGrades, required: true },
    context: { type: String, default: '', maxlength: 4000 },
    status: { type: String, enum: indicatorStatuses, required: true, default: 'active' },
    retraction: {
      type: new Schema({ reason: { type: String, maxlength: 2000 }, at: { type: Date }, by: { type: Schema.Types.ObjectId } }, { _id: false }),
    },
    firstSeenAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    reviewBy: { type: Date, required: true },
    deleteBy: { type: Date, required: true },
  },
  { timestamps: true },
)

indicatorSubmissionSchema.index({ indicatorId: 1 })
indicatorSubmissionSchema.index({ organisationId: 1, updatedAt: -1 })
indicatorSubmissionSchema.index({ deleteBy: 1 })
indicatorSubmissionSchema.index({ reviewBy: 1 })
indicatorSubmissionSchema.index({ tlp: 1, updatedAt: -1 })
indicatorSubmissionSchema.plugin(organisationScoped)

export type IndicatorSubmission = InferSchemaType<typeof indicatorSubmissionSchema>
export const IndicatorSubmissionModel = defineModel('IndicatorSubmission', indicatorSubmissionSchema)

/** An organisation saw or processed a value: seen, processed, matched, no match. */
const sightingSchema = new Schema(
  {
    indicatorId: { type: String, required: true, ref: 'Indicator' },
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User' },
    kind: { type: String, enum: sightingKinds, required: true },
    at: { type: Date, required: true },
    count: { type: Number, required: true, min: 1, max: 1_000_000, default: 1 },
    tlp: { type: String, enum: tlpLabels, required: true, default: 'AMBER' },
    note: { type: String, maxlength: 2000 },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
)

sightingSchema.index({ indicatorId: 1, at: -1 })
sightingSchema.index({ organisationId: 1, at: -1 })
sightingSchema.plugin(organisationScoped)

export type Sighting = InferSchemaType<typeof sightingSchema>
export const SightingModel = defineModel('Sighting', sightingSchema)
