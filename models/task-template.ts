import { Schema, type InferSchemaType } from 'mongoose'
import { organisationKinds, taskPriorities } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

const stepSchema = new Schema(
  {
    title: { type: String, required: true, trim: true, maxlength: 200 },
    description: { type: String, default: '', maxlength: 8000 },
    organisationKind: { type: String, enum: organisationKinds, required: true },
    priority: { type: String, enum: taskPriorities, required: true },
    dueInDays: { type: Number, required: true, min: 0, max: 365 },
  },
  { _id: false },
)

/** A centre's playbook: the tasks to create, step by step, when it is applied. */
const taskTemplateSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    name: { type: String, required: true, trim: true, maxlength: 120 },
    description: { type: String, default: '', maxlength: 2000 },
    steps: { type: [stepSchema], required: true },
    createdBy: { type: Schema.Types.ObjectId, ref: 'User' },
  },
  { timestamps: true },
)

taskTemplateSchema.index({ organisationId: 1, name: 1 }, { unique: true })
taskTemplateSchema.plugin(organisationScoped)

export type TaskTemplate = InferSchemaType<typeof taskTemplateSchema>
export const TaskTemplateModel = defineModel('TaskTemplate', taskTemplateSchema)
