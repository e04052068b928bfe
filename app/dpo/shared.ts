import { z } from 'zod'
import { accessPurposes, indicatorTypes, tlpLabels } from '~/domain/vocabulary'
import { exportPurposes } from '~/reports/purpose'
import { safeText } from '~/utils/text-schemas'

/** Data-protection vocabulary and form schemas shared by the server and the DPO pages (no server code here). */

export const RETENTION_MONTHS_MIN = 1
export const RETENTION_MONTHS_MAX = 120

/** The durations of the retention clock, in months (DESIGN.md, "Data protection"). */
export type RetentionPolicy = {
  personalReviewMonths: number
  personalDeleteMonths: number
  businessReviewMonths: number
  businessDeleteMonths: number
}

export const defaultRetentionPolicy: RetentionPolicy = {
  personalReviewMonths: 6,
  personalDeleteMonths: 12,
  businessReviewMonths: 12,
  businessDeleteMonths: 36,
}

export const retentionFields = ['personalReviewMonths', 'personalDeleteMonths', 'businessReviewMonths', 'businessDeleteMonths'] as const

const blankAsUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)

const months = z.preprocess(
  (value) => {
    const blank = blankAsUndefined(value)
    return typeof blank === 'string' ? Number(blank.trim()) : blank
  },
  z
    .number({ error: (issue) => (issue.input === undefined ? 'required' : 'invalid') })
    .int('invalid')
    .min(RETENTION_MONTHS_MIN, 'dpo:errors.monthsRange')
    .max(RETENTION_MONTHS_MAX, 'dpo:errors.monthsRange'),
)

/** The DPO's configuration form (and the stored document, checked again whenever it is read). */
export const retentionPolicySchema = z
  .object({
    personalReviewMonths: months,
    personalDeleteMonths: months,
    businessReviewMonths: months,
    businessDeleteMonths: months,
  })
  .superRefine((policy, ctx) => {
    if (policy.personalReviewMonths >= policy.personalDeleteMonths) {
      ctx.addIssue({ code: 'custom', path: ['personalDeleteMonths'], message: 'dpo:errors.reviewBeforeDelete' })
    }
    if (policy.businessReviewMonths >= policy.businessDeleteMonths) {
      ctx.addIssue({ code: 'custom', path: ['businessDeleteMonths'], message: 'dpo:errors.reviewBeforeDelete' })
    }
  })

/** Why a source organisation keeps an indicator past its review date. */
export const rejustifyPurposes = accessPurposes
export const REJUSTIFY_TEXT_MIN = 10
export const REJUSTIFY_TEXT_MAX = 2000

export const rejustifySchema = z.object({
  purpose: z.enum(rejustifyPurposes, 'required'),
  justification: safeText(REJUSTIFY_TEXT_MAX).pipe(
    z.string().trim().min(1, { message: 'required', abort: true }).min(REJUSTIFY_TEXT_MIN, 'tooShort'),
  ),
})
export type RejustifyInput = z.input<typeof rejustifySchema>

/** The audit actions the access-justification log lists: openings of personal data and exports. */
export const accessActions = ['indicator.personal_accessed', 'indicator.exported', 'initiative.exported', 'audit.exported'] as const
export type AccessAction = (typeof accessActions)[number]

/** Purposes recorded by those actions (indicators use the access purposes, initiative exports their own). */
export const knownPurposes = [...new Set<string>([...accessPurposes, ...exportPurposes])] as string[]

export function isKnownPurpose(value: unknown): boolean {
  return typeof value === 'string' && knownPurposes.includes(value)
}

export function isIndicatorType(value: unknown): value is (typeof indicatorTypes)[number] {
  return typeof value === 'string' && (indicatorTypes as readonly string[]).includes(value)
}

export function isTlpLabel(value: unknown): value is (typeof tlpLabels)[number] {
  return typeof value === 'string' && (tlpLabels as readonly string[]).includes(value)
}

/** How far ahead the DPO overview looks for reviews and deletions. */
export const UPCOMING_WINDOW_DAYS = 30
export const DPO_PAGE_SIZE = 25

/** A date as the pages show it, in UTC so that every reader sees the same day. */
export function formatDay(iso: string) {
  return iso.slice(0, 10)
}

export function formatTime(iso: string) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`
}
