import type { Types } from 'mongoose'
import { z } from 'zod'
import { IndicatorModel, IndicatorSubmissionModel } from '../../models/indicator'
import { OrganisationModel } from '../../models/organisation'
import { defineEndpoint, postProblems } from './endpoint.server'
import { ApiProblem } from './problem.server'
import { encodeCursor, isoDateTime, itemsAfter, limitParam, nextParam, pageOf, updatedSinceParam } from './schemas.server'
import { recordAudit } from '~/audit/audit.server'
import {
  accessPurposes,
  credibilityGrades,
  indicatorStatuses,
  indicatorTypes,
  personalIndicatorTypes,
  reliabilityGrades,
  sightingKinds,
  tlpLabels,
  type IndicatorType,
  type TlpLabel,
} from '~/domain/vocabulary'
import { candidateIds, displayOf, indicatorPageFor, loadIndicatorFor, recordSighting } from '~/indicators/indicators.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { visibleSubmissionFilter } from '~/policy/access.server'
import { publicUrl } from '~/utils/env.server'

const ACROSS = 'the TLP filter reaches submissions of other organisations the key may see'
const indicatorIdSchema = z
  .string()
  .regex(/^[a-f\d]{64}$/)
  .describe('An indicator id: 64 hexadecimal characters, the same for the same type and normalised value everywhere')

const isPersonal = (type: string) => (personalIndicatorTypes as readonly string[]).includes(type)

export const indicatorItemSchema = z
  .object({
    submissionId: z.string().describe('One organisation’s statement about the value'),
    indicatorId: indicatorIdSchema,
    type: z.enum(indicatorTypes),
    value: z.string().nullable().describe('Defanged for URLs and domains; null for personal data (read the indicator with a purpose)'),
    personal: z.boolean(),
    chain: z.string().nullable(),
    untraceable: z.boolean().describe('True for chains that cannot be traced on-chain (Monero and the like)'),
    tlp: z.enum(tlpLabels),
    reliability: z.enum(reliabilityGrades),
    credibility: z.enum(credibilityGrades),
    status: z.enum(indicatorStatuses),
    source: z.object({ id: z.string(), name: z.string() }),
    own: z.boolean().describe('Whether your organisation made this statement'),
    updatedAt: isoDateTime,
    url: z.string(),
  })
  .describe('A statement about a payment-channel indicator that your organisation may see')

type SubmissionRow = {
  _id: string
  indicatorId: string
  organisationId: Types.ObjectId
  tlp: string
  personal?: boolean | null
  reliability: string
  credibility: string
  status: string
  updatedAt: Date
}
type IndicatorRowDoc = { _id: string; type: IndicatorType; normalised: string; chain?: string | null; untraceable?: boolean | null }

export const listIndicatorsEndpoint = defineEndpoint({
  operationId: 'listIndicators',
  method: 'GET',
  path: '/indicators',
  tag: 'Indicators',
  summary: 'List and search the indicators your organisation may see',
  description:
    'Every statement (submission) your organisation may see under TLP 2.0, oldest change first: with `updated_since` and `next` this is a delta feed. `q` looks a value up exactly (normalised as each plausible type). A page may hold fewer than `limit` items when `type` filters; keep following `next`.',
  scope: 'indicators:read',
  query: z.object({
    q: z.string().max(2000).optional().describe('A value to look up (an e-mail, a domain, a wallet…)'),
    type: z.enum(indicatorTypes).optional(),
    updated_since: updatedSinceParam,
    limit: limitParam,
    next: nextParam,
  }),
  success: { status: 200, description: 'A page of statements', schema: pageOf(indicatorItemSchema) },
  problems: [{ status: 400, code: 'invalid-request' }],
  handler: async ({ caller, query }) => {
    const viewer = caller.viewer
    const after = itemsAfter(query.next, 'string')
    const parts: Record<string, unknown>[] = [await visibleSubmissionFilter(viewer)]
    if (query.q) {
      const ids = candidateIds({ q: query.q, type: query.type ?? '', chain: '', acquirer: '' })
      if (ids.length === 0) return { data: [], next: null }
      parts.push({ indicatorId: { $in: ids } })
    }
    if (query.updated_since) parts.push({ updatedAt: { $gte: new Date(query.updated_since) } })
    if (after) parts.push(after)
    const found = await IndicatorSubmissionModel.find({ $and: parts })
      .setOptions({ acrossOrganisations: ACROSS })
      .select({ indicatorId: 1, organisationId: 1, tlp: 1, personal: 1, reliability: 1, credibility: 1, status: 1, updatedAt: 1 })
      .sort({ updatedAt: 1, _id: 1 })
      .limit(query.limit + 1)
      .lean<SubmissionRow[]>()
    const page = found.slice(0, query.limit)
    const [indicators, sources] = await Promise.all([
      IndicatorModel.find({ _id: { $in: [...new Set(page.map((s) => s.indicatorId))] } }).lean<IndicatorRowDoc[]>(),
      OrganisationModel.find({ _id: { $in: [...new Set(page.map((s) => String(s.organisationId)))] } })
        .select({ legalName: 1 })
        .lean(),
    ])
    const byId = new Map(indicators.map((indicator) => [indicator._id, indicator]))
    const names = new Map(sources.map((org) => [String(org._id), org.legalName]))
    const last = page[page.length - 1]
    return {
      data: page.flatMap((submission) => {
        const indicator = byId.get(submission.indicatorId)
        if (!indicator || (query.type && indicator.type !== query.type)) return []
        const personal = Boolean(submission.personal) || isPersonal(indicator.type)
        return [
          {
            submissionId: submission._id,
            indicatorId: indicator._id,
            type: indicator.type,
            value: personal ? null : displayOf(indicator.type, indicator.normalised),
            personal,
            chain: indicator.chain ?? null,
            untraceable: Boolean(indicator.untraceable),
            tlp: submission.tlp as TlpLabel,
            reliability: submission.reliability as (typeof reliabilityGrades)[number],
            credibility: submission.credibility as (typeof credibilityGrades)[number],
            status: submission.status as (typeof indicatorStatuses)[number],
            source: { id: String(submission.organisationId), name: names.get(String(submission.organisationId)) ?? '' },
            own: String(submission.organisationId) === viewer.organisationId,
            updatedAt: submission.updatedAt.toISOString(),
            url: `${publicUrl()}/indicators/${indicator._id}`,
          },
        ]
      }),
      next: found.length > query.limit && last ? encodeCursor(last.updatedAt, last._id) : null,
    }
  },
})

const indicatorDetailSchema = z.object({
  id: indicatorIdSchema,
  type: z.enum(indicatorTypes),
  value: z.string().describe('Defanged for URLs and domains'),
  personal: z.boolean(),
  chain: z.string().nullable(),
  untraceable: z.boolean(),
  firstSeenAt: z.string(),
  lastSeenAt: z.string(),
  alsoSeenBy: z.number().int().describe('Other organisations whose statements or sightings you may see'),
  submissions: z.array(
    z.object({
      id: z.string(),
      own: z.boolean(),
      source: z.string(),
      tlp: z.enum(tlpLabels),
      reliability: z.string(),
      credibility: z.string(),
      status: z.enum(indicatorStatuses),
      context: z.string(),
      retraction: z.object({ reason: z.string(), at: z.string() }).nullable(),
      firstSeenAt: z.string(),
      lastSeenAt: z.string(),
    }),
  ),
  sightings: z.array(
    z.object({ id: z.string(), own: z.boolean(), organisation: z.string(), kind: z.enum(sightingKinds), at: z.string(), count: z.number().int(), tlp: z.enum(tlpLabels) }),
  ),
  url: z.string(),
})

export const getIndicatorEndpoint = defineEndpoint({
  operationId: 'getIndicator',
  method: 'GET',
  path: '/indicators/{indicatorId}',
  tag: 'Indicators',
  summary: 'Read one indicator: the statements and sightings you may see',
  description:
    'Personal data (e-mail addresses, phone numbers, payment handles, anything flagged personal) is returned only with a `purpose`; the access and its purpose are written to the audit log, which the data-protection officer reviews.',
  scope: 'indicators:read',
  params: z.object({ indicatorId: indicatorIdSchema }),
  query: z.object({
    purpose: z.enum(accessPurposes).optional().describe('Why you read personal data (required for personal indicators)'),
    justification: z.string().max(500).optional().describe('Free text; required with purpose "other"'),
  }),
  success: { status: 200, description: 'The indicator', schema: indicatorDetailSchema },
  problems: [
    { status: 404, code: 'not-found' },
    { status: 403, code: 'purpose-required' },
  ],
  handler: async ({ caller, params, query, meta }) => {
    const viewer = caller.viewer
    const { personal } = await loadIndicatorFor(viewer, params.indicatorId)
    if (personal) {
      const justification = query.justification?.trim() ?? ''
      if (!query.purpose || (query.purpose === 'other' && justification.length < 3)) {
        throw new ApiProblem(403, 'purpose-required', `This indicator holds personal data: add ?purpose= (${accessPurposes.join(', ')}); "other" needs a justification.`)
      }
      await recordAudit({
        action: 'indicator.personal_accessed',
        actor: { userId: viewer.userId, organisationId: viewer.organisationId, label: caller.keyId },
        target: { kind: 'indicator', id: params.indicatorId },
        meta,
        details: { purpose: query.purpose, justification, via: 'api' },
      })
    }
    const page = await indicatorPageFor(viewer, params.indicatorId, { purposeGiven: true })
    if (page.state !== 'open') throw new ApiProblem(403, 'purpose-required')
    const detail = page.detail
    return {
      id: detail.id,
      type: detail.type,
      value: detail.display,
      personal: detail.personal,
      chain: detail.chain,
      untraceable: detail.untraceable,
      firstSeenAt: detail.firstSeenAt,
      lastSeenAt: detail.lastSeenAt,
      alsoSeenBy: detail.alsoSeenBy,
      submissions: detail.submissions.map((s) => ({
        id: s.id,
        own: s.own,
        source: s.sourceName,
        tlp: s.tlp,
        reliability: s.reliability,
        credibility: s.credibility,
        status: s.status,
        context: s.context,
        retraction: s.retraction,
        firstSeenAt: s.firstSeenAt,
        lastSeenAt: s.lastSeenAt,
      })),
      sightings: detail.sightings.map((s) => ({ id: s.id, own: s.own, organisation: s.organisationName, kind: s.kind, at: s.at, count: s.count, tlp: s.tlp })),
      url: `${publicUrl()}/indicators/${detail.id}`,
    }
  },
})

const indicatorInput = z
  .object({
    type: z.enum(indicatorTypes),
    value: z.string().min(1).max(2000),
    chain: z.string().max(40).optional().describe('For crypto_wallet: the chain (e.g. bitcoin, ethereum, monero)'),
    acquirer: z.string().max(200).optional(),
    tlp: z.enum(tlpLabels).optional().describe('Default AMBER'),
    reliability: z.enum(reliabilityGrades).optional(),
    credibility: z.enum(credibilityGrades).optional(),
    context: z.string().max(4000).optional(),
    personal: z.boolean().optional().describe('Set for personal data the type does not already imply (a person’s IBAN)'),
    initiativeId: z.string().regex(/^[a-f\d]{24}$/i).optional(),
    firstSeenAt: isoDateTime.optional(),
    lastSeenAt: isoDateTime.optional(),
  })
  .strict()

export const submitIndicatorsEndpoint = defineEndpoint({
  operationId: 'submitIndicators',
  method: 'POST',
  path: '/indicators',
  tag: 'Indicators',
  summary: 'Submit indicators in bulk',
  description:
    'The same validation as the CSV import: each item is checked on its own; valid ones are stored (a value already known attaches your statement to the existing indicator), rejected ones are listed with their position (1-based) and reason. Sending the same items again adds nothing.',
  scope: 'indicators:write',
  body: z.object({ indicators: z.array(indicatorInput).min(1).max(10_000) }).strict(),
  maxBodyBytes: 8 * 1024 * 1024,
  success: {
    status: 200,
    description: 'What was stored and what was refused',
    schema: z.object({
      created: z.number().int(),
      attached: z.number().int(),
      unchanged: z.number().int(),
      rejected: z.array(z.object({ line: z.number().int(), field: z.string(), reason: z.string() })),
      ids: z.array(indicatorIdSchema),
    }),
  },
  problems: [...postProblems, { status: 403, code: 'forbidden' }, { status: 422, code: 'invalid-request' }],
  handler: async ({ caller, body, meta }) => {
    const result = await submitIndicatorBatch(
      caller.viewer,
      body.indicators.map((item, index) => ({ ...item, line: index + 1 })),
      { meta, source: 'api' },
    )
    return { created: result.created, attached: result.attached, unchanged: result.unchanged, rejected: result.rejected, ids: result.ids }
  },
})

export const recordSightingEndpoint = defineEndpoint({
  operationId: 'recordSighting',
  method: 'POST',
  path: '/indicators/{indicatorId}/sightings',
  tag: 'Indicators',
  summary: 'Record that your organisation saw, processed or matched a value',
  scope: 'sightings:write',
  params: z.object({ indicatorId: indicatorIdSchema }),
  body: z
    .object({
      kind: z.enum(sightingKinds),
      at: isoDateTime.describe('When; not in the future'),
      count: z.number().int().min(1).max(1_000_000).optional(),
      tlp: z.enum(tlpLabels).optional().describe('Who may see this sighting; default AMBER'),
      note: z.string().max(2000).optional(),
    })
    .strict(),
  success: { status: 201, description: 'The sighting was recorded', schema: z.object({ id: z.string() }) },
  problems: [...postProblems, { status: 404, code: 'not-found' }, { status: 403, code: 'forbidden' }, { status: 422, code: 'invalid-request' }],
  handler: async ({ caller, params, body, meta }) => {
    const id = await recordSighting(caller.viewer, params.indicatorId, body, meta)
    return { id }
  },
})

export const indicatorEndpoints = [listIndicatorsEndpoint, getIndicatorEndpoint, submitIndicatorsEndpoint, recordSightingEndpoint]
