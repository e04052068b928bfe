import { createHash } from 'node:crypto'
import mongoose, { Types, type Model } from 'mongoose'
// The domain modules register the models this file writes through (scripts may not import models/ directly).
import '../../app/tasks/tasks.server'
import {
  actionTypes,
  organisationKinds,
  type ActionType,
  type OrganisationKind,
  type Role,
  type TaskPriority,
  type TaskStatus,
  type TlpLabel,
} from '../../app/domain/vocabulary'
import { indicatorId } from '../../app/indicators/ids.server'
import { addMonths } from '../../app/indicators/retention.server'
import { parseIndicator } from '../../app/indicators/types'
import { nameKeyOf } from '../../app/partners/organisations.server'

/**
 * The benchmark's data set, written with bulk `insertMany` through the models (so every document is
 * validated by its schema), in realistic shapes: organisations and people, initiatives with
 * participants, objectives, milestones and updates, tasks in every state with their timelines,
 * versioned action reports, comments, and indicators with one or more organisations' submissions.
 *
 * Everything is generated from a seeded generator and in a fixed order, so `seedTo(0.1)` followed by
 * `seedTo(1)` gives the 10 % data set first and then the whole one, the first being a prefix of the
 * second: the reads can be timed on both and compared.
 */

const DAY = 24 * 60 * 60 * 1000
const BATCH = 1_000

export type BenchSizes = {
  organisations: number
  centres: number
  partners: number
  people: number
  initiatives: number
  tasks: number
  reports: number
  comments: number
  indicators: number
}

/** The realistic size at scale 1; every count scales linearly (with small floors). */
export function sizesFor(scale: number): BenchSizes {
  const organisations = Math.max(8, Math.round(200 * scale))
  const centres = Math.max(2, Math.round(organisations / 10))
  return {
    organisations,
    centres,
    partners: organisations - centres,
    people: Math.max(organisations * 3, Math.round(2_000 * scale)),
    initiatives: Math.max(5, Math.round(500 * scale)),
    tasks: Math.max(200, Math.round(100_000 * scale)),
    reports: Math.max(600, Math.round(300_000 * scale)),
    comments: Math.max(80, Math.round(40_000 * scale)),
    indicators: Math.max(1_000, Math.round(1_000_000 * scale)),
  }
}

/** Mulberry32: small, fast and deterministic. */
function generator(seed: number) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

type Random = () => number

function weighted<T extends string>(next: Random, weights: Record<T, number>): T {
  const entries = Object.entries(weights) as [T, number][]
  const total = entries.reduce((sum, [, weight]) => sum + weight, 0)
  let pick = next() * total
  for (const [value, weight] of entries) {
    pick -= weight
    if (pick < 0) return value
  }
  return (entries[entries.length - 1] as [T, number])[0]
}

function pickOf<T>(next: Random, items: readonly T[]): T {
  const item = items[Math.floor(next() * items.length)]
  if (item === undefined) throw new Error('pick from an empty list')
  return item
}

const statusWeights: Record<TaskStatus, number> = {
  draft: 2,
  assigned: 14,
  acknowledged: 12,
  in_progress: 20,
  reported: 8,
  returned: 3,
  verified: 10,
  closed: 19,
  declined: 2,
  not_applicable: 6,
  cancelled: 4,
}
const reportedStatuses: readonly TaskStatus[] = ['reported', 'returned', 'verified', 'closed']
const priorityWeights: Record<TaskPriority, number> = { urgent: 5, high: 20, normal: 60, low: 15 }
const taskTlpWeights: Record<TlpLabel, number> = { CLEAR: 1, GREEN: 9, AMBER: 80, 'AMBER+STRICT': 8, RED: 2 }
const submissionTlpWeights: Record<TlpLabel, number> = { CLEAR: 10, GREEN: 35, AMBER: 45, 'AMBER+STRICT': 5, RED: 5 }
const policyDays: Record<TaskPriority, number> = { urgent: 2, high: 5, normal: 10, low: 20 }
const countries = ['NL', 'FR', 'DE', 'BE', 'GB', 'IE', 'SE', 'AT', 'LU', 'MT', 'LT', 'KZ', 'US', 'PT', 'HU', 'HR', 'CY', 'ES', 'IT', 'PL']
const partnerKinds = organisationKinds.filter((kind) => kind !== 'national_centre' && kind !== 'other')

/** The path a task took to reach a state, for its timeline and its time stamps. */
const pathTo: Record<TaskStatus, { transition: string; to: TaskStatus }[]> = {
  draft: [],
  assigned: [],
  acknowledged: [{ transition: 'acknowledge', to: 'acknowledged' }],
  in_progress: [
    { transition: 'acknowledge', to: 'acknowledged' },
    { transition: 'start', to: 'in_progress' },
  ],
  reported: [
    { transition: 'acknowledge', to: 'acknowledged' },
    { transition: 'report', to: 'reported' },
  ],
  returned: [
    { transition: 'acknowledge', to: 'acknowledged' },
    { transition: 'report', to: 'reported' },
    { transition: 'return', to: 'returned' },
  ],
  verified: [
    { transition: 'acknowledge', to: 'acknowledged' },
    { transition: 'report', to: 'reported' },
    { transition: 'verify', to: 'verified' },
  ],
  closed: [
    { transition: 'acknowledge', to: 'acknowledged' },
    { transition: 'report', to: 'reported' },
    { transition: 'verify', to: 'verified' },
    { transition: 'close', to: 'closed' },
  ],
  declined: [{ transition: 'decline', to: 'declined' }],
  not_applicable: [{ transition: 'notApplicable', to: 'not_applicable' }],
  cancelled: [{ transition: 'cancel', to: 'cancelled' }],
}
const stampOf: Partial<Record<TaskStatus, string>> = { acknowledged: 'acknowledgedAt', reported: 'reportedAt', verified: 'verifiedAt', closed: 'closedAt' }

type Org = { _id: Types.ObjectId; kind: OrganisationKind; status: 'active' | 'probation' | 'suspended' }
type Person = { _id: Types.ObjectId; organisationId: Types.ObjectId; name: string; roles: Role[] }
type InitiativeFacts = { _id: Types.ObjectId; leadCentreId: Types.ObjectId; participantIds: Types.ObjectId[]; createdAt: Date }

export type IndicatorSample = { id: string; type: string; value: string }

type ModelName = 'Organisation' | 'User' | 'Initiative' | 'Task' | 'ActionReport' | 'TaskComment' | 'Indicator' | 'IndicatorSubmission'

/** Inserts through the registered model: casts and validates every document, keeps the given time stamps. */
async function insert(name: ModelName, docs: Record<string, unknown>[]) {
  const model: Model<unknown> | undefined = mongoose.models[name]
  if (!model) throw new Error(`model ${name} is not registered`)
  for (let start = 0; start < docs.length; start += BATCH) {
    await model.insertMany(docs.slice(start, start + BATCH), { ordered: true, timestamps: false })
  }
}

/** Indicator number `i`: a value of one of several types, valid for `parseIndicator`. */
function indicatorValue(i: number): { type: string; value: string; chain?: string } {
  const hex = createHash('sha256').update(`bench-indicator-${i}`).digest('hex')
  switch (i % 20) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
      return { type: 'domain', value: `shop-${i}.${hex.slice(0, 6)}.example.com` }
    case 5:
    case 6:
    case 7:
    case 8:
      return { type: 'url', value: `https://pay-${i}.example.net/checkout/${hex.slice(0, 8)}` }
    case 9:
    case 10:
      return { type: 'email', value: `seller-${i}@shop-${hex.slice(0, 5)}.example.org` }
    case 11:
    case 12:
      return { type: 'merchant_descriptor', value: `SHOP*${hex.slice(0, 6).toUpperCase()}-${i}` }
    case 13:
      return { type: 'payment_processor', value: `processor ${hex.slice(0, 6)} ${i}` }
    case 14:
    case 15:
      return { type: 'file_hash', value: hex }
    case 16:
      return { type: 'ip', value: `${11 + ((i >>> 24) & 0x3f)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}` }
    default:
      return { type: 'crypto_wallet', value: `0x${hex.slice(0, 40)}`, chain: 'eth' }
  }
}

export class BenchData {
  readonly sizes: BenchSizes
  private readonly now = new Date()
  centres: Org[] = []
  partners: Org[] = []
  people: Person[] = []
  initiatives: InitiativeFacts[] = []
  private peopleOf = new Map<string, Person[]>()
  private initiativesOf = new Map<string, InitiativeFacts[]>()
  private seeded = { initiatives: 0, tasks: 0, reports: 0, comments: 0, indicators: 0, submissions: 0 }
  /** TLP:GREEN indicators of active sources among the first 10 %: visible to the benchmark partner at both sizes. */
  readonly samples: IndicatorSample[] = []
  /** Tasks of the benchmark partner with reports, among the first 10 %. */
  readonly detailTasks: string[] = []
  private readonly random = generator(20_260_613)

  constructor(sizes: BenchSizes) {
    this.sizes = sizes
  }

  /** The partner whose queue is timed: the busiest one. */
  get benchPartner(): Org {
    return this.partners[0] as Org
  }

  counts() {
    return { organisations: this.centres.length + this.partners.length, people: this.people.length, ...this.seeded }
  }

  /** Brings every growing collection to `fraction` of its full size (organisations and people come whole, first). */
  async seedTo(fraction: number) {
    const started = Date.now()
    if (this.people.length === 0) await this.seedOrganisationsAndPeople()
    const target = (full: number) => Math.round(full * fraction)
    await this.seedIndicators(target(this.sizes.indicators))
    await this.seedInitiatives(Math.max(this.sizes.centres, target(this.sizes.initiatives)))
    await this.seedTasks(target(this.sizes.tasks), target(this.sizes.reports), target(this.sizes.comments))
    return { seconds: (Date.now() - started) / 1000, counts: this.counts() }
  }

  private async seedOrganisationsAndPeople() {
    const next = this.random
    const organisations: Record<string, unknown>[] = []
    for (let i = 0; i < this.sizes.organisations; i++) {
      const centre = i < this.sizes.centres
      const kind: OrganisationKind = centre ? 'national_centre' : pickOf(next, partnerKinds)
      // A few partners are on probation or suspended; never the benchmark partner nor a centre.
      const status = centre || i === this.sizes.centres ? 'active' : weighted(next, { active: 95, probation: 3, suspended: 2 })
      const legalName = centre ? `National Operational Centre ${i + 1}` : `Partner ${i + 1} ${kind.replace(/_/g, ' ')} Ltd`
      const doc = {
        _id: new Types.ObjectId(),
        legalName,
        nameKey: nameKeyOf(legalName),
        kind,
        country: pickOf(next, countries),
        agreementReference: `PPP-2025-${String(i).padStart(4, '0')}`,
        contact: { name: `Contact ${i + 1}`, email: `contact-${i + 1}@org-${i + 1}.example`, phone: `+3120${String(1_000_000 + i)}` },
        status,
        ...(status === 'probation' ? { probationEndsAt: new Date(this.now.getTime() + 20 * DAY) } : {}),
        ...(status === 'suspended' ? { suspensionReason: 'Repeated failure to act on coordination tasks.' } : {}),
        isOperator: false,
        createdAt: new Date(this.now.getTime() - (400 + i) * DAY),
        updatedAt: new Date(this.now.getTime() - 30 * DAY),
        __v: 0,
      }
      organisations.push(doc)
      ;(centre ? this.centres : this.partners).push({ _id: doc._id, kind, status })
    }
    await insert('Organisation', organisations)

    const all = [...this.centres, ...this.partners]
    const people: Record<string, unknown>[] = []
    const add = (org: Org, roles: Role[]) => {
      const n = people.length + 1
      const person: Person = { _id: new Types.ObjectId(), organisationId: org._id, name: `Person ${n}`, roles }
      people.push({
        ...person,
        email: `person-${n}@org-${String(org._id).slice(-6)}.example`,
        status: 'active',
        locale: pickOf(next, ['en', 'en', 'fr', 'ru']),
        totpEnrolledAt: new Date(this.now.getTime() - 100 * DAY),
        createdAt: new Date(this.now.getTime() - 200 * DAY),
        updatedAt: new Date(this.now.getTime() - 10 * DAY),
        __v: 0,
      })
      this.people.push(person)
      this.peopleOf.set(String(org._id), [...(this.peopleOf.get(String(org._id)) ?? []), person])
    }
    for (const centre of this.centres) for (const roles of [['staff'], ['coordinator'], ['dpo']] as Role[][]) add(centre, roles)
    for (const partner of this.partners) for (const roles of [['admin'], ['member']] as Role[][]) add(partner, roles)
    while (people.length < this.sizes.people) {
      const org = pickOf(next, all)
      add(org, org.kind === 'national_centre' ? [weighted(next, { staff: 8, coordinator: 2 })] : [weighted(next, { member: 7, admin: 3 })])
    }
    await insert('User', people)
  }

  private person(orgId: Types.ObjectId, role?: Role): Person {
    const people = this.peopleOf.get(String(orgId)) ?? []
    const fitting = role ? people.filter((p) => p.roles.includes(role)) : people
    return pickOf(this.random, fitting.length > 0 ? fitting : people)
  }

  private async seedIndicators(count: number) {
    const next = this.random
    const sources = [...this.centres, ...this.partners]
    const sampleLimit = Math.round(this.sizes.indicators * 0.1)
    for (let start = this.seeded.indicators; start < count; start += BATCH) {
      const indicators: Record<string, unknown>[] = []
      const submissions: Record<string, unknown>[] = []
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const raw = indicatorValue(i)
        const parsed = parseIndicator(raw.type, raw.value, { chain: raw.chain })
        if (!parsed.ok) throw new Error(`generated indicator ${raw.type} "${raw.value}" is not valid: ${parsed.error}`)
        const id = indicatorId(raw.type, parsed.indicator.normalised)
        const lastSeenAt = new Date(this.now.getTime() - Math.floor(next() * 300 * DAY))
        const firstSeenAt = new Date(lastSeenAt.getTime() - Math.floor(next() * 60 * DAY))
        indicators.push({
          _id: id,
          type: raw.type,
          normalised: parsed.indicator.normalised,
          ...(parsed.indicator.chain ? { chain: parsed.indicator.chain } : {}),
          untraceable: Boolean(parsed.indicator.untraceable),
          firstSeenAt,
          lastSeenAt,
          createdAt: firstSeenAt,
          updatedAt: lastSeenAt,
          __v: 0,
        })
        // One source, a second one for one indicator in five.
        const count = next() < 0.2 ? 2 : 1
        const chosen = new Set<string>()
        for (let s = 0; s < count; s++) {
          const source = pickOf(next, sources)
          if (chosen.has(String(source._id))) continue
          chosen.add(String(source._id))
          const tlp = weighted(next, submissionTlpWeights)
          const submitter = this.person(source._id)
          const initiatives = this.initiativesOf.get(String(source._id)) ?? []
          const initiative = (tlp === 'AMBER' || tlp === 'AMBER+STRICT') && initiatives.length > 0 && next() < 0.5 ? pickOf(next, initiatives) : undefined
          const personal = parsed.indicator.personal
          const updatedAt = new Date(lastSeenAt.getTime() + Math.floor(next() * DAY))
          submissions.push({
            _id: `${id}:${String(source._id)}`,
            indicatorId: id,
            organisationId: source._id,
            submittedBy: submitter._id,
            value: raw.value,
            tlp,
            ...(tlp === 'RED' ? { redRecipientIds: [submitter._id] } : {}),
            ...(initiative ? { initiativeId: initiative._id } : {}),
            personal,
            reliability: weighted(next, { A: 2, B: 4, C: 3, X: 1 }),
            credibility: weighted(next, { '1': 2, '2': 4, '3': 3, '4': 1 }),
            context: next() < 0.5 ? 'Seen on a storefront checkout page during a test purchase.' : '',
            status: next() < 0.02 ? 'retracted' : 'active',
            firstSeenAt,
            lastSeenAt,
            reviewBy: addMonths(updatedAt, personal ? 6 : 12),
            deleteBy: addMonths(updatedAt, personal ? 12 : 36),
            createdAt: firstSeenAt,
            updatedAt,
            __v: 0,
          })
          if (tlp === 'GREEN' && source.status === 'active' && i < sampleLimit && this.samples.length < 40 && !personal && next() < 0.05) {
            this.samples.push({ id, type: raw.type, value: raw.value })
          }
        }
      }
      await insert('Indicator', indicators)
      await insert('IndicatorSubmission', submissions)
      this.seeded.indicators += indicators.length
      this.seeded.submissions += submissions.length
    }
  }

  private async seedInitiatives(count: number) {
    const next = this.random
    const docs: Record<string, unknown>[] = []
    for (let i = this.seeded.initiatives; i < count; i++) {
      const lead = this.centres[i % this.centres.length] as Org
      const participants = new Set<Types.ObjectId>()
      // The benchmark partner takes part in one initiative in three (and in the first).
      if (i % 3 === 0) participants.add(this.benchPartner._id)
      const size = 5 + Math.floor(next() * 11)
      const working = this.partners.filter((p) => p.status !== 'suspended')
      while (participants.size < Math.min(size, working.length)) participants.add(pickOf(next, working)._id)
      const createdAt = new Date(this.now.getTime() - Math.floor(60 + next() * 300) * DAY)
      const status = i === 0 ? 'active' : weighted(next, { active: 60, completed: 20, planned: 10, paused: 5, archived: 5 })
      const creator = this.person(lead._id, 'staff')
      const facts: InitiativeFacts = { _id: new Types.ObjectId(), leadCentreId: lead._id, participantIds: [...participants], createdAt }
      docs.push({
        _id: facts._id,
        title: `Initiative ${i + 1}: storefront network card payment disruption`,
        purpose: 'Identify and cut the card acceptance of a storefront network. Data shared here may be used only for this disruption.',
        leadCentreId: lead._id,
        participantIds: facts.participantIds,
        invitations: facts.participantIds.map((organisationId) => ({ organisationId, status: 'accepted', at: new Date(createdAt.getTime() + DAY) })),
        status,
        startAt: createdAt,
        targetAt: new Date(createdAt.getTime() + 120 * DAY),
        tlp: i === 0 ? 'AMBER' : weighted(next, { AMBER: 80, GREEN: 10, CLEAR: 5, RED: 5 }),
        objectives: Array.from({ length: 1 + Math.floor(next() * 3) }, () => ({ actionType: pickOf(next, actionTypes), target: 10 + Math.floor(next() * 200) })),
        milestones: Array.from({ length: 1 + Math.floor(next() * 4) }, (_, m) => ({
          title: `Milestone ${m + 1}`,
          dueAt: new Date(createdAt.getTime() + (m + 1) * 30 * DAY),
          ...(next() < 0.4 ? { doneAt: new Date(createdAt.getTime() + (m + 1) * 28 * DAY) } : {}),
        })),
        updates: Array.from({ length: Math.floor(next() * 4) }, (_, u) => ({
          at: new Date(createdAt.getTime() + (u + 1) * 14 * DAY),
          authorUserId: creator._id,
          authorName: creator.name,
          text: 'Card schemes resolved the descriptors; acquirers are terminating the merchants.',
          health: weighted(next, { on_track: 6, at_risk: 3, off_track: 1 }),
        })),
        excludeNotApplicable: next() < 0.1,
        createdBy: creator._id,
        createdAt,
        updatedAt: new Date(createdAt.getTime() + 30 * DAY),
        __v: 0,
      })
      this.initiatives.push(facts)
      for (const participant of facts.participantIds) this.initiativesOf.set(String(participant), [...(this.initiativesOf.get(String(participant)) ?? []), facts])
      this.initiativesOf.set(String(lead._id), [...(this.initiativesOf.get(String(lead._id)) ?? []), facts])
    }
    await insert('Initiative', docs)
    this.seeded.initiatives = this.initiatives.length
  }

  private async seedTasks(count: number, reportTarget: number, commentTarget: number) {
    const next = this.random
    const eligibleShare = reportedStatuses.reduce((sum, status) => sum + statusWeights[status], 0) / Object.values(statusWeights).reduce((a, b) => a + b, 0)
    const versionsPerReportedTask = this.sizes.reports / (this.sizes.tasks * eligibleShare)
    const commentsPerTask = this.sizes.comments / this.sizes.tasks
    const working = this.partners.filter((p) => p.status !== 'suspended')
    const detailLimit = Math.round(this.sizes.tasks * 0.1)
    for (let start = this.seeded.tasks; start < count; start += BATCH) {
      const tasks: Record<string, unknown>[] = []
      const reports: Record<string, unknown>[] = []
      const comments: Record<string, unknown>[] = []
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        let owner: Org
        let assignee: Org
        let initiative: InitiativeFacts | undefined
        if (next() < 0.6) {
          // Campaigns differ in size: the first initiatives get most of the work.
          initiative = this.initiatives[Math.floor(this.initiatives.length * next() ** 2)] as InitiativeFacts
          owner = this.centres.find((c) => c._id.equals(initiative?.leadCentreId)) as Org
          const participantId = initiative.participantIds.some((id) => id.equals(this.benchPartner._id)) && next() < 0.1 ? this.benchPartner._id : pickOf(next, initiative.participantIds)
          assignee = this.partners.find((p) => p._id.equals(participantId)) ?? this.benchPartner
        } else {
          owner = pickOf(next, this.centres)
          assignee = next() < 0.03 ? this.benchPartner : (working[Math.floor(working.length * next() ** 1.5)] as Org)
        }
        const status = weighted(next, statusWeights)
        const priority = weighted(next, priorityWeights)
        const tlp = weighted(next, taskTlpWeights)
        const createdAt = new Date(this.now.getTime() - Math.floor(next() * 365 * DAY))
        const dueAt = new Date(createdAt.getTime() + policyDays[priority] * DAY + Math.floor(next() * 3 * DAY))
        const creator = this.person(owner._id, 'staff')
        const worker = this.person(assignee._id)
        const _id = new Types.ObjectId()
        const timeline: Record<string, unknown>[] = [
          { at: createdAt, actorUserId: creator._id, actorOrganisationId: owner._id, actorName: creator.name, from: null, to: status === 'draft' ? 'draft' : 'assigned', transition: 'create' },
        ]
        const stamps: Record<string, Date> = status === 'draft' ? {} : { assignedAt: createdAt }
        let at = createdAt.getTime()
        let from: TaskStatus = 'assigned'
        for (const step of pathTo[status]) {
          at += Math.floor(next() * 4 * DAY) + 60_000
          const centreStep = step.transition === 'verify' || step.transition === 'close' || step.transition === 'return' || step.transition === 'cancel'
          const actor = centreStep ? creator : worker
          timeline.push({
            at: new Date(at),
            actorUserId: actor._id,
            actorOrganisationId: centreStep ? owner._id : assignee._id,
            actorName: actor.name,
            from,
            to: step.to,
            transition: step.transition,
            ...(step.transition === 'decline' || step.transition === 'notApplicable' || step.transition === 'return' ? { reason: 'No relationship found under that name.' } : {}),
          })
          const stamp = stampOf[step.to]
          if (stamp) stamps[stamp] = new Date(at)
          from = step.to
        }
        const statusChangedAt = new Date(at)
        const linkIndicators = next() < 0.05 && this.seeded.indicators > 0
        tasks.push({
          _id,
          ownerCentreId: owner._id,
          assigneeOrganisationId: assignee._id,
          ...(next() < 0.2 ? { assigneeUserId: worker._id } : {}),
          ...(initiative ? { initiativeId: initiative._id } : {}),
          title: `Task ${i + 1}: resolve the acquirer behind descriptor SHOP*${i.toString(36).toUpperCase()}`,
          description: 'Test purchase on the storefront. Please resolve the **acquiring bank** and report what you did.',
          priority,
          dueAt,
          tlp,
          ...(tlp === 'RED' ? { redRecipientIds: [worker._id] } : {}),
          status,
          statusChangedAt,
          ...stamps,
          createdBy: creator._id,
          createdByName: creator.name,
          timeline,
          ...(linkIndicators
            ? { indicatorIds: Array.from({ length: 1 + Math.floor(next() * 3) }, (_, k) => this.linkedIndicator(i * 7 + k)) }
            : {}),
          createdAt,
          updatedAt: statusChangedAt,
          __v: pathTo[status].length,
        })

        if (reportedStatuses.includes(status) && this.seeded.reports + reports.length < reportTarget) {
          const versions = Math.max(1, Math.floor(versionsPerReportedTask) + (next() < versionsPerReportedTask % 1 ? 1 : 0))
          for (let version = 1; version <= versions; version++) {
            const last = version === versions
            const submittedAt = new Date(createdAt.getTime() + version * 2 * DAY)
            reports.push({
              taskId: _id,
              ownerCentreId: owner._id,
              assigneeOrganisationId: assignee._id,
              ...(initiative ? { initiativeId: initiative._id } : {}),
              version,
              actions: Array.from({ length: 1 + Math.floor(next() * 3) }, (_, a) => {
                const type: ActionType = pickOf(next, ['merchant_terminated', 'notice_sent', 'url_blocked', 'content_removed', 'str_filed', 'accounts_actioned'] as const)
                return {
                  type,
                  quantity: 1 + Math.floor(next() * 20),
                  actionDate: new Date(submittedAt.getTime() - DAY),
                  reference: `REF-${i}-${version}-${a}`,
                  ...(type === 'merchant_terminated' ? { matchReasonCode: '13' } : {}),
                }
              }),
              status: last ? 'current' : 'superseded',
              verification: last ? (status === 'verified' || status === 'closed' ? 'verified' : status === 'returned' ? 'returned' : 'pending') : 'returned',
              ...(last && (status === 'verified' || status === 'closed') ? { verifiedAt: new Date(submittedAt.getTime() + DAY) } : {}),
              submittedBy: worker._id,
              submittedByName: worker.name,
              submittedAt,
            })
          }
          if (assignee === this.benchPartner && i < detailLimit && tlp !== 'RED' && this.detailTasks.length < 20 && versions > 1) this.detailTasks.push(String(_id))
        }
        const commentCount = Math.floor(commentsPerTask) + (next() < commentsPerTask % 1 ? 1 : 0)
        for (let c = 0; c < commentCount && this.seeded.comments + comments.length < commentTarget; c++) {
          const fromCentre = next() < 0.5
          const author = fromCentre ? creator : worker
          comments.push({
            taskId: _id,
            ownerCentreId: owner._id,
            assigneeOrganisationId: assignee._id,
            visibility: fromCentre && next() < 0.3 ? 'internal' : 'shared',
            body: 'Two merchant accounts share the descriptor; both are under review.',
            authorUserId: author._id,
            authorOrganisationId: fromCentre ? owner._id : assignee._id,
            authorName: author.name,
            createdAt: new Date(createdAt.getTime() + (c + 1) * DAY),
          })
        }
      }
      await insert('Task', tasks)
      await insert('ActionReport', reports)
      await insert('TaskComment', comments)
      this.seeded.tasks += tasks.length
      this.seeded.reports += reports.length
      this.seeded.comments += comments.length
    }
  }

  /** The id of an already seeded indicator, chosen from a task number. */
  private linkedIndicator(seed: number) {
    const index = Math.floor(generator(seed)() * this.seeded.indicators)
    const raw = indicatorValue(index)
    const parsed = parseIndicator(raw.type, raw.value, { chain: raw.chain })
    if (!parsed.ok) throw new Error('linked indicator not valid')
    return indicatorId(raw.type, parsed.indicator.normalised)
  }
}
