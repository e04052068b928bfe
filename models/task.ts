import { Schema, type InferSchemaType } from 'mongoose'
import { taskPriorities, taskStatuses, tlpLabels } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

const timelineEntrySchema = new Schema(
  {
    at: { type: Date, required: true },
    actorUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    actorOrganisationId: { type: Schema.Types.ObjectId, ref: 'Organisation' },
    actorName: { type: String },
    from: { type: String, enum: [...taskStatuses, null] },
    to: { type: String, enum: taskStatuses, required: true },
    transition: { type: String, required: true },
    reason: { type: String, maxlength: 4000 },
  },
  { _id: false },
)

/** Why the owning centre must look at a task again (an indicator it carries was retracted by its source). */
const reviewSchema = new Schema(
  {
    reason: { type: String, enum: ['indicator_retracted'], required: true },
    indicatorId: { type: String },
    at: { type: Date, required: true },
  },
  { _id: false },
)

/** A coordination task: owned by a centre, assigned to one organisation (optionally one person in it). */
const taskSchema = new Schema(
  {
    ownerCentreId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    assigneeOrganisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    assigneeUserId: { type: Schema.Types.ObjectId, ref: 'User' },
    /** Tasks created together for several organisations share one assignment id. */
    assignmentId: { type: Schema.Types.ObjectId },
    initiativeId: { type: Schema.Types.ObjectId, ref: 'Initiative' },
    title: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, default: '', maxlength: 20_000 },
    priority: { type: String, enum: taskPriorities, required: true, default: 'normal' },
    dueAt: { type: Date, required: true },
    tlp: { type: String, enum: tlpLabels, required: true, default: 'AMBER' },
    /** For TLP:RED, the only people who may see the task besides its creator. */
    redRecipientIds: { type: [{ type: Schema.Types.ObjectId, ref: 'User' }], default: undefined },
    status: { type: String, enum: taskStatuses, required: true, default: 'draft' },
    statusChangedAt: { type: Date, required: true },
    assignedAt: { type: Date },
    acknowledgedAt: { type: Date },
    reportedAt: { type: Date },
    verifiedAt: { type: Date },
    closedAt: { type: Date },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    createdByName: { type: String },
    timeline: { type: [timelineEntrySchema], default: [] },
    indicatorIds: { type: [{ type: String, ref: 'Indicator' }], default: undefined },
    /** Set when the task went back to its owning centre for review; the centre clears it (audited). */
    needsReview: { type: reviewSchema },
  },
  { timestamps: true },
)

// Partner queues: one organisation's tasks by status and due date, paged by (dueAt, _id).
taskSchema.index({ assigneeOrganisationId: 1, status: 1, dueAt: 1, _id: 1 })
taskSchema.index({ assigneeOrganisationId: 1, dueAt: 1, _id: 1 })
taskSchema.index({ assigneeOrganisationId: 1, assigneeUserId: 1, dueAt: 1, _id: 1 })
// Centre lists: the tasks a centre owns.
taskSchema.index({ ownerCentreId: 1, status: 1, dueAt: 1, _id: 1 })
taskSchema.index({ ownerCentreId: 1, dueAt: 1, _id: 1 })
// Other sorts of the lists (priority, last change, created), index-backed on MongoDB.
taskSchema.index({ assigneeOrganisationId: 1, priority: 1, dueAt: 1, _id: 1 })
taskSchema.index({ ownerCentreId: 1, priority: 1, dueAt: 1, _id: 1 })
taskSchema.index({ assigneeOrganisationId: 1, statusChangedAt: -1, _id: -1 })
taskSchema.index({ ownerCentreId: 1, statusChangedAt: -1, _id: -1 })
taskSchema.index({ assigneeOrganisationId: 1, createdAt: -1, _id: -1 })
taskSchema.index({ ownerCentreId: 1, createdAt: -1, _id: -1 })
taskSchema.index({ initiativeId: 1, status: 1 })
// The tasks that carry an indicator (indicator pages, retraction).
taskSchema.index({ indicatorIds: 1 })
taskSchema.index({ assignmentId: 1 })
taskSchema.index({ status: 1, dueAt: 1 })
taskSchema.plugin(organisationScoped, { paths: ['ownerCentreId', 'assigneeOrganisationId'] })

export type Task = InferSchemaType<typeof taskSchema>
export const TaskModel = defineModel('Task', taskSchema)
