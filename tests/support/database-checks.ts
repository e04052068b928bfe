import mongoose from 'mongoose'
import {
  actionTypes,
  credibilityGrades,
  indicatorStatuses,
  indicatorTypes,
  matchReasonCodes,
  notificationEvents,
  organisationKinds,
  organisationStatuses,
  reliabilityGrades,
  roles as allRoles,
  sightingKinds,
  supportedLocales,
  taskPriorities,
  taskStatuses,
  tlpLabels,
} from '~/domain/vocabulary'
import { initiativeHealthList, initiativeStatusList } from '~/initiatives/shared'
import { containsCardNumber } from '~/utils/card-numbers'

/**
 * What the database may hold after hostile input: every stored document is checked for operator and
 * prototype keys and card numbers, and the collections below against their models' rules.
 */

type Rule = {
  t: 'string' | 'date' | 'objectId' | 'boolean' | 'number' | 'array' | 'object'
  required?: boolean
  max?: number
  min?: number
  enum?: readonly (string | null)[]
  match?: RegExp
  of?: Rule
  fields?: Spec
}
type Spec = Record<string, Rule>

const str = (options: Omit<Rule, 't'> = {}): Rule => ({ t: 'string', ...options })
const req = (rule: Rule): Rule => ({ ...rule, required: true })
const date: Rule = { t: 'date' }
const oid: Rule = { t: 'objectId' }
const bool: Rule = { t: 'boolean' }
const num = (min?: number, max?: number): Rule => ({ t: 'number', min, max })
const arr = (of: Rule, options: Omit<Rule, 't' | 'of'> = {}): Rule => ({ t: 'array', of, ...options })
const obj = (fields: Spec): Rule => ({ t: 'object', fields })
const oneOf = (values: readonly (string | null)[]): Rule => ({ t: 'string', enum: values })

/** The Mongoose schemas of models/*.ts, as rules on the stored documents (required, enum, length, type). */
export const schemas: Record<string, Spec> = {
  organisations: {
    legalName: req(str({ min: 2, max: 200 })),
    nameKey: req(str()),
    kind: req(oneOf(organisationKinds)),
    country: req(str({ match: /^[A-Z]{2}$/ })),
    agreementReference: str({ max: 80 }),
    contact: obj({ name: str({ max: 120 }), email: str({ max: 254 }), phone: str({ max: 32 }) }),
    status: req(oneOf(organisationStatuses)),
    probationEndsAt: date,
    suspensionReason: str({ max: 500 }),
    isOperator: bool,
    applicant: obj({ name: str({ max: 120 }), email: str({ max: 254 }), locale: str() }),
    termsAcceptedAt: date,
    duePolicy: obj({ urgent: num(0, 365), high: num(0, 365), normal: num(0, 365), low: num(0, 365) }),
    vetting: obj({ decision: oneOf(['approved', 'rejected']), reason: str({ max: 1000 }), decidedBy: oid, decidedAt: date }),
  },
  users: {
    organisationId: req(oid),
    email: req(str({ max: 254 })),
    name: req(str({ max: 120 })),
    roles: req(arr(oneOf(allRoles))),
    status: req(oneOf(['active', 'deactivated'])),
    locale: oneOf(supportedLocales),
    passwordHash: str(),
    totpSecret: str(),
    totpEnrolledAt: date,
    recoveryCodeHashes: arr(str()),
    lastSignInAt: date,
    mutedEmailEvents: arr(oneOf(notificationEvents)),
  },
  tokens: {
    purpose: req(oneOf(['invitation', 'password_reset'])),
    tokenHash: req(str()),
    organisationId: req(oid),
    email: req(str()),
    name: str({ max: 120 }),
    roles: arr(oneOf(allRoles)),
    userId: oid,
    createdBy: oid,
    expiresAt: req(date),
    usedAt: date,
    revokedAt: date,
  },
  tasks: {
    ownerCentreId: req(oid),
    assigneeOrganisationId: req(oid),
    assigneeUserId: oid,
    assignmentId: oid,
    initiativeId: oid,
    title: req(str({ max: 200 })),
    description: str({ max: 20_000 }),
    priority: req(oneOf(taskPriorities)),
    dueAt: req(date),
    tlp: req(oneOf(tlpLabels)),
    redRecipientIds: arr(oid),
    status: req(oneOf(taskStatuses)),
    statusChangedAt: req(date),
    assignedAt: date,
    acknowledgedAt: date,
    reportedAt: date,
    verifiedAt: date,
    closedAt: date,
    createdBy: req(oid),
    createdByName: str(),
    timeline: arr(
      obj({
        at: req(date),
        actorUserId: oid,
        actorOrganisationId: oid,
        actorName: str(),
        from: oneOf([...taskStatuses, null]),
        to: req(oneOf(taskStatuses)),
        transition: req(str()),
        reason: str({ max: 4000 }),
      }),
    ),
    indicatorIds: arr(str()),
  },
  taskcomments: {
    taskId: req(oid),
    ownerCentreId: req(oid),
    assigneeOrganisationId: req(oid),
    visibility: req(oneOf(['shared', 'internal'])),
    body: req(str({ max: 8000 })),
    authorUserId: req(oid),
    authorOrganisationId: req(oid),
    authorName: str(),
    createdAt: req(date),
  },
  actionreports: {
    taskId: req(oid),
    ownerCentreId: req(oid),
    assigneeOrganisationId: req(oid),
    initiativeId: oid,
    version: req(num(1)),
    actions: req(
      arr(
        obj({
          type: req(oneOf(actionTypes)),
          quantity: req(num(1, 1_000_000)),
          actionDate: req(date),
          reference: str({ max: 120 }),
          matchReasonCode: oneOf(matchReasonCodes),
          note: str({ max: 2000 }),
        }),
      ),
    ),
    status: req(oneOf(['current', 'superseded'])),
    verification: req(oneOf(['pending', 'verified', 'returned'])),
    verifiedAt: date,
    submittedBy: req(oid),
    submittedByName: str(),
    submittedAt: req(date),
  },
  tasktemplates: {
    organisationId: req(oid),
    name: req(str({ max: 120 })),
    description: str({ max: 2000 }),
    steps: req(
      arr(
        obj({
          title: req(str({ max: 200 })),
          description: str({ max: 8000 }),
          organisationKind: req(oneOf(organisationKinds)),
          priority: req(oneOf(taskPriorities)),
          dueInDays: req(num(0, 365)),
        }),
      ),
    ),
    createdBy: oid,
  },
  initiatives: {
    title: req(str({ max: 200 })),
    purpose: req(str({ max: 2000 })),
    leadCentreId: req(oid),
    participantIds: arr(oid),
    invitations: arr(obj({ organisationId: req(oid), status: req(oneOf(['invited', 'accepted', 'declined'])), at: req(date) })),
    status: req(oneOf(initiativeStatusList)),
    startAt: date,
    targetAt: date,
    tlp: req(oneOf(tlpLabels)),
    objectives: arr(obj({ actionType: req(oneOf(actionTypes)), target: req(num(1, 10_000_000)) })),
    milestones: arr(obj({ title: req(str({ max: 200 })), dueAt: req(date), doneAt: date })),
    updates: arr(obj({ at: req(date), authorUserId: req(oid), authorName: str(), text: req(str({ max: 2000 })), health: req(oneOf(initiativeHealthList)) })),
    excludeNotApplicable: bool,
    createdBy: oid,
  },
  indicators: {
    type: req(oneOf(indicatorTypes)),
    normalised: req(str({ max: 2048 })),
    chain: str(),
    untraceable: bool,
    firstSeenAt: req(date),
    lastSeenAt: req(date),
  },
  indicatorsubmissions: {
    indicatorId: req(str()),
    organisationId: req(oid),
    submittedBy: oid,
    value: req(str({ max: 2048 })),
    tlp: req(oneOf(tlpLabels)),
    redRecipientIds: arr(oid),
    initiativeId: oid,
    personal: req(bool),
    reliability: req(oneOf(reliabilityGrades)),
    credibility: req(oneOf(credibilityGrades)),
    context: str({ max: 4000 }),
    status: req(oneOf(indicatorStatuses)),
    retraction: obj({ reason: str({ max: 2000 }), at: date, by: oid }),
    firstSeenAt: req(date),
    lastSeenAt: req(date),
    reviewBy: req(date),
    deleteBy: req(date),
  },
  sightings: {
    indicatorId: req(str()),
    organisationId: req(oid),
    userId: oid,
    kind: req(oneOf(sightingKinds)),
    at: req(date),
    count: req(num(1, 1_000_000)),
    tlp: req(oneOf(tlpLabels)),
    note: str({ max: 2000 }),
    createdAt: req(date),
  },
  notifications: {
    organisationId: req(oid),
    userId: req(oid),
    event: req(oneOf(notificationEvents)),
    taskId: oid,
    title: req(str({ max: 200 })),
    actorName: str(),
    dedupeKey: req(str()),
    createdAt: req(date),
    readAt: date,
    indicatorId: str(),
  },
}
const bookkeeping = new Set(['_id', '__v', 'createdAt', 'updatedAt'])

const isObjectId = (value: unknown) => typeof value === 'object' && value !== null && '_bsontype' in value && value._bsontype === 'ObjectId'
export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !isObjectId(value) && !('_bsontype' in value)

export function checkRule(rule: Rule, value: unknown, at: string, problems: string[]) {
  if (value === undefined || (value === null && !rule.enum?.includes(null))) {
    if (rule.required) problems.push(`${at}: required but missing`)
    return
  }
  switch (rule.t) {
    case 'string':
      if (rule.enum && !rule.enum.includes(value as string | null)) problems.push(`${at}: ${JSON.stringify(value)} is not one of the allowed values`)
      else if (value === null) return
      else if (typeof value !== 'string') problems.push(`${at}: not a string`)
      else {
        if (rule.required && value.length === 0) problems.push(`${at}: required but empty`)
        if (rule.max !== undefined && value.length > rule.max) problems.push(`${at}: longer than ${rule.max}`)
        if (rule.min !== undefined && value.length < rule.min) problems.push(`${at}: shorter than ${rule.min}`)
        if (rule.match && !rule.match.test(value)) problems.push(`${at}: ${JSON.stringify(value)} does not match ${rule.match}`)
      }
      return
    case 'date':
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) problems.push(`${at}: not a date`)
      return
    case 'objectId':
      if (!isObjectId(value)) problems.push(`${at}: not an ObjectId`)
      return
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${at}: not a boolean`)
      return
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${at}: not a finite number`)
      else if ((rule.min !== undefined && value < rule.min) || (rule.max !== undefined && value > rule.max)) problems.push(`${at}: ${value} out of range`)
      return
    case 'array':
      if (!Array.isArray(value)) problems.push(`${at}: not an array`)
      else {
        if (rule.required && value.length === 0) problems.push(`${at}: required but empty`)
        value.forEach((item, index) => rule.of && checkRule(rule.of, item, `${at}.${index}`, problems))
      }
      return
    case 'object':
      if (!isPlainObject(value)) problems.push(`${at}: not an object`)
      else checkFields(rule.fields ?? {}, value, at, problems)
  }
}

export function checkFields(spec: Spec, document: Record<string, unknown>, at: string, problems: string[]) {
  for (const key of Object.keys(document)) if (!(key in spec) && !bookkeeping.has(key)) problems.push(`${at}.${key}: not in the schema`)
  for (const [key, rule] of Object.entries(spec)) checkRule(rule, document[key], `${at}.${key}`, problems)
}

/** Keys and strings anywhere in a stored document that must never be there. */
export function checkContent(value: unknown, at: string, problems: string[]) {
  if (typeof value === 'string') {
    if (containsCardNumber(value)) problems.push(`${at}: holds a card number`)
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => checkContent(item, `${at}.${index}`, problems))
    return
  }
  if (!isPlainObject(value)) return
  const prototype: unknown = Object.getPrototypeOf(value)
  if (prototype !== Object.prototype && prototype !== null) problems.push(`${at}: has a foreign prototype`)
  for (const key of Reflect.ownKeys(value)) {
    const name = String(key)
    if (name.startsWith('$') || name.includes('.') || name === '__proto__') problems.push(`${at}: key ${JSON.stringify(name)}`)
    checkContent(value[name], `${at}.${name}`, problems)
  }
}

export async function databaseProblems(): Promise<string[]> {
  const db = mongoose.connection.db
  if (!db) throw new Error('not connected')
  const problems: string[] = []
  for (const { name } of await db.listCollections().toArray()) {
    const spec = schemas[name]
    for (const document of await db.collection(name).find({}).toArray()) {
      const at = `${name}/${String(document._id)}`
      checkContent(document, at, problems)
      if (spec) checkFields(spec, document, at, problems)
    }
  }
  return problems
}

