import { z } from 'zod'
import { endOfDay, today } from './creation.server'
import { BULK_LIMIT, templateTlpLabels } from './forms'
import { objectId, safeText } from './tasks.server'
import { taskPriorities, tlpLabels } from '~/domain/vocabulary'

/** The forms of the task list, the creation page and the playbook "apply" page (messages are error codes). */

const toList = (value: unknown) => (value === undefined ? [] : Array.isArray(value) ? value : [value])
const blankToUndefined = (value: unknown) => (value === '' ? undefined : value)

/** Partners acknowledging several tasks at once from their queue. */
export const BulkForm = z.object({
  intent: z.literal('acknowledge', { error: 'invalid' }),
  ids: z.preprocess(toList, z.array(objectId).min(1, 'tasks:errors.selectTasks').max(BULK_LIMIT, 'tasks:errors.tooManySelected')),
})

/** A centre's new task, for one or several organisations. */
export const NewTaskForm = z
  .object({
    intent: z.enum(['assign', 'draft'], { error: 'invalid' }),
    submission: z.string().min(8, 'invalid').max(64, 'invalid'),
    title: safeText(200).pipe(z.string().trim().min(1, { message: 'required', abort: true }).min(3, 'tooShort')),
    description: safeText(20_000).default(''),
    assigneeOrganisationIds: z.preprocess(toList, z.array(objectId).min(1, 'tasks:errors.chooseOrganisation').max(200, 'tooLong')),
    assigneeUserId: z.preprocess(blankToUndefined, objectId.optional()),
    priority: z.enum(taskPriorities, { error: 'invalid' }),
    dueDate: z.preprocess(
      blankToUndefined,
      z
        .string()
        .regex(/^\d{4}-\d{2}-\d{2}$/, 'invalid')
        .refine((day) => !Number.isNaN(endOfDay(day).getTime()), 'invalid')
        .optional(),
    ),
    tlp: z.enum(tlpLabels, { error: 'invalid' }),
    initiativeId: z.preprocess(blankToUndefined, objectId.optional()),
    redRecipientIds: z.preprocess(toList, z.array(objectId).max(20, 'tooLong')),
  })
  .superRefine((form, ctx) => {
    if (form.assigneeUserId && form.assigneeOrganisationIds.length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['assigneeUserId'], message: 'tasks:errors.personNeedsOneOrganisation' })
    }
    if (form.dueDate && form.dueDate < today()) ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'tasks:errors.pastDate' })
    // TLP:RED reaches only named people: one organisation, and someone in it named.
    if (form.tlp === 'RED' && (form.assigneeOrganisationIds.length !== 1 || (!form.assigneeUserId && form.redRecipientIds.length === 0))) {
      ctx.addIssue({ code: 'custom', path: ['tlp'], message: 'tasks:errors.redNeedsPeople' })
    }
  })

/** Applying a playbook: the organisation chosen for each step, in order (empty skips it). */
export const ApplyForm = z.object({
  initiativeId: z.preprocess(blankToUndefined, objectId.optional()),
  tlp: z.enum(templateTlpLabels, { error: 'invalid' }),
  organisationIds: z.preprocess(toList, z.array(z.union([objectId, z.literal('')])).max(50, 'tooLong')),
  submission: z.string().min(8, 'invalid').max(64, 'invalid'),
})
