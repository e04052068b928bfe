import { Schema, type InferSchemaType } from 'mongoose'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/** A comment on a task: `shared` with the assigned organisation, or `internal` to the owning centre. */
const taskCommentSchema = new Schema(
  {
    taskId: { type: Schema.Types.ObjectId, ref: 'Task', required: true },
    ownerCentreId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    assigneeOrganisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    visibility: { type: String, enum: ['shared', 'internal'], required: true },
    body: { type: String, required: true, trim: true, maxlength: 8000 },
    authorUserId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    authorOrganisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    authorName: { type: String },
    createdAt: { type: Date, required: true },
  },
  { versionKey: false },
)

taskCommentSchema.index({ taskId: 1, createdAt: 1 })
taskCommentSchema.plugin(organisationScoped, { paths: ['ownerCentreId', 'assigneeOrganisationId'] })

export type TaskComment = InferSchemaType<typeof taskCommentSchema>
export const TaskCommentModel = defineModel('TaskComment', taskCommentSchema)
