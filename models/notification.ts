import { Schema, type InferSchemaType } from 'mongoose'
import { notificationEvents } from '../app/domain/vocabulary'
import { defineModel } from './define'
import { organisationScoped } from './organisation-scope'

/** An in-app notification for one person; the e-mail copy goes through the outbox. */
const notificationSchema = new Schema(
  {
    organisationId: { type: Schema.Types.ObjectId, ref: 'Organisation', required: true },
    userId: { type: Schema.Types.ObjectId, ref: 'User', required: true },
    event: { type: String, enum: notificationEvents, required: true },
    taskId: { type: Schema.Types.ObjectId, ref: 'Task' },
    /** The indicator a notice is about (a retraction); shown only while the recipient may still open it. */
    indicatorId: { type: String },
    title: { type: String, required: true, maxlength: 200 },
    actorName: { type: String },
    /** Makes a notification idempotent per person (a job run twice notifies once). */
    dedupeKey: { type: String, required: true },
    createdAt: { type: Date, required: true },
    readAt: { type: Date },
  },
  { versionKey: false },
)

notificationSchema.index({ dedupeKey: 1 }, { unique: true })
notificationSchema.index({ organisationId: 1, userId: 1, createdAt: -1 })
notificationSchema.index({ organisationId: 1, userId: 1, readAt: 1 })
notificationSchema.plugin(organisationScoped)

export type Notification = InferSchemaType<typeof notificationSchema>
export const NotificationModel = defineModel('Notification', notificationSchema)
