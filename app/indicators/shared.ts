/** Client-safe constants and view types of the indicator pages (no server code here). */
import {
  type accessPurposes,
  indicatorStatuses,
  indicatorTypes,
  type sightingKinds,
  tlpLabels,
  type IndicatorType,
  type TlpLabel,
} from '~/domain/vocabulary'

export const INDICATOR_PAGE_SIZE = 25

export type IndicatorStatus = (typeof indicatorStatuses)[number]
export type SightingKind = (typeof sightingKinds)[number]
export type AccessPurpose = (typeof accessPurposes)[number]

export const isIndicatorType = (value: unknown): value is IndicatorType => typeof value === 'string' && (indicatorTypes as readonly string[]).includes(value)
export const isTlp = (value: unknown): value is TlpLabel => typeof value === 'string' && (tlpLabels as readonly string[]).includes(value)
export const isIndicatorStatus = (value: unknown): value is IndicatorStatus =>
  typeof value === 'string' && (indicatorStatuses as readonly string[]).includes(value)

/** CLEAR (0) is the least restrictive label, RED (4) the most. */
export const tlpRank = (label: TlpLabel) => tlpLabels.indexOf(label)

/** The labels a submission labelled `current` may be lowered to, most restrictive first. */
export const lowerLabelsThan = (current: TlpLabel): TlpLabel[] => tlpLabels.filter((label) => tlpRank(label) < tlpRank(current)).reverse()

/** Admiralty grading as analysts write it: reliability of the source and credibility of the information, e.g. `B2`. */
export const gradeOf = (reliability: string, credibility: string) => `${reliability}${credibility}`

/** Types whose value needs a second field to be identified. */
export const needsChain = (type: string) => type === 'crypto_wallet'
export const needsAcquirer = (type: string) => type === 'merchant_id'

/** The list's filters as they appear in the query string. */
export type IndicatorListState = {
  q: string
  type: IndicatorType | ''
  chain: string
  acquirer: string
  tlp: TlpLabel | ''
  status: IndicatorStatus | ''
  personal: 'yes' | 'no' | ''
  mine: boolean
}

export const defaultIndicatorListState: IndicatorListState = { q: '', type: '', chain: '', acquirer: '', tlp: '', status: '', personal: '', mine: false }

export function indicatorListHref(state: IndicatorListState, after?: string) {
  const params = new URLSearchParams()
  if (state.q) params.set('q', state.q)
  if (state.type) params.set('type', state.type)
  if (state.chain) params.set('chain', state.chain)
  if (state.acquirer) params.set('acquirer', state.acquirer)
  if (state.tlp) params.set('tlp', state.tlp)
  if (state.status) params.set('status', state.status)
  if (state.personal) params.set('personal', state.personal)
  if (state.mine) params.set('mine', '1')
  if (after) params.set('after', after)
  const search = params.toString()
  return search ? `/indicators?${search}` : '/indicators'
}

/** One row of the list: one submission the viewer may see, with its indicator. */
export type IndicatorListRow = {
  submissionId: string
  indicatorId: string
  type: IndicatorType
  /** Defanged where it could become a link; null for personal data (shown after a purpose is given). */
  display: string | null
  personal: boolean
  chain: string | null
  untraceable: boolean
  tlp: TlpLabel
  reliability: string
  credibility: string
  status: IndicatorStatus
  sourceName: string
  own: boolean
  updatedAt: string
}

export type SubmissionView = {
  id: string
  own: boolean
  sourceName: string
  /** The value as the source wrote it, defanged where it could become a link. */
  value: string
  tlp: TlpLabel
  reliability: string
  credibility: string
  grade: string
  personal: boolean
  context: string
  status: IndicatorStatus
  retraction: { reason: string; at: string } | null
  firstSeenAt: string
  lastSeenAt: string
  reviewBy: string
  deleteBy: string
  canRetract: boolean
  lowerTo: TlpLabel[]
}

export type SightingView = {
  id: string
  own: boolean
  organisationName: string
  kind: SightingKind
  at: string
  count: number
  tlp: TlpLabel
  note: string | null
}

export type LinkedTaskView = { id: string; title: string; status: string; open: boolean; dueAt: string }

export type IndicatorSummary = { id: string; type: IndicatorType; display: string | null; personal: boolean; chain: string | null; untraceable: boolean }

export type IndicatorDetail = IndicatorSummary & {
  display: string
  firstSeenAt: string
  lastSeenAt: string
  submissions: SubmissionView[]
  sightings: SightingView[]
  /** Other organisations with a submission or sighting the viewer may see. */
  alsoSeenBy: number
  linkedTasks: LinkedTaskView[]
  /** Other indicators on the linked tasks the viewer may see. */
  related: IndicatorSummary[]
  canRecordSighting: boolean
}

/** An indicator on the task page. */
export type TaskIndicatorView = IndicatorSummary & { tlp: TlpLabel; retracted: boolean }

export const sightingTlpDefault: TlpLabel = 'AMBER'
export const purposeMaxLength = 500
