import { Types } from 'mongoose'
import { SettingModel } from '../../models/setting'
import { defaultRetentionPolicy, retentionPolicySchema, type RetentionPolicy } from './shared'
import { recordAudit } from '~/audit/audit.server'
import type { Viewer } from '~/policy/permissions'
import { getLogger } from '~/utils/logger.server'
import type { RequestMeta } from '~/utils/request.server'

const RETENTION_KEY = 'retention'

export type StoredRetentionPolicy = RetentionPolicy & { configured: boolean; updatedAt: string | null }

/**
 * The retention durations the DPO configured, or the defaults of the design (6/12 months for personal
 * data, 12/36 for business identifiers). A stored document that no longer passes the form's rules is
 * ignored (and logged) rather than trusted: the defaults are the safe reading.
 */
export async function getRetentionPolicy(): Promise<StoredRetentionPolicy> {
  const stored = await SettingModel.findById(RETENTION_KEY).select({ value: 1, updatedAt: 1 }).lean()
  if (!stored) return { ...defaultRetentionPolicy, configured: false, updatedAt: null }
  const parsed = retentionPolicySchema.safeParse(stored.value)
  if (!parsed.success) {
    getLogger().warn({ setting: RETENTION_KEY }, 'stored retention policy is invalid; using the defaults')
    return { ...defaultRetentionPolicy, configured: false, updatedAt: null }
  }
  return { ...parsed.data, configured: true, updatedAt: stored.updatedAt.toISOString() }
}

/**
 * Saves the DPO's durations and audits the change (`retention.configured`, before and after). They
 * apply to clocks started from now on (new submissions and re-justifications); clocks already running
 * are not rewritten, so that shortening a duration never deletes data without a review.
 */
export async function saveRetentionPolicy(viewer: Viewer, policy: RetentionPolicy, meta?: RequestMeta): Promise<void> {
  const value = retentionPolicySchema.parse(policy)
  const before = await getRetentionPolicy()
  await SettingModel.updateOne(
    { _id: RETENTION_KEY },
    { $set: { value, updatedBy: new Types.ObjectId(viewer.userId), updatedAt: new Date() } },
    { upsert: true },
  )
  await recordAudit({
    action: 'retention.configured',
    actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email },
    target: { kind: 'setting', id: RETENTION_KEY },
    meta,
    details: {
      before: {
        personalReviewMonths: before.personalReviewMonths,
        personalDeleteMonths: before.personalDeleteMonths,
        businessReviewMonths: before.businessReviewMonths,
        businessDeleteMonths: before.businessDeleteMonths,
      },
      after: value,
    },
  })
}
