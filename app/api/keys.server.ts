import crypto from 'node:crypto'
import { Types } from 'mongoose'
import { z } from 'zod'
import { ApiKeyModel } from '../../models/api-key'
import { OrganisationModel } from '../../models/organisation'
import { recordAudit } from '~/audit/audit.server'
import { apiScopes, type ApiScope, type OrganisationKind, type OrganisationStatus } from '~/domain/vocabulary'
import { apiKeyRoles, can, organisationMayAct, type Viewer } from '~/policy/permissions'
import { safeText } from '~/utils/text-schemas'
import type { RequestMeta } from '~/utils/request.server'

const DAY = 24 * 60 * 60 * 1000
export const MAX_KEY_DAYS = 365
const ACROSS = 'an API call names its key, not its organisation: the key says which organisation it acts for'

export const apiKeyInput = z.object({
  name: safeText(80).pipe(z.string().trim().min(2, 'tooShort')),
  // A form sends one scope as a string, several as a list, none as nothing.
  scopes: z.preprocess(
    (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
    z.array(z.enum(apiScopes, 'invalid')).min(1, 'api:errors.scopesRequired'),
  ),
  expiresInDays: z.coerce.number({ error: 'invalid' }).int('invalid').min(1, 'invalid').max(MAX_KEY_DAYS, 'api:errors.expiryTooLong'),
})

export const keyLifetimes = [30, 90, 180, 365] as const

export type ApiKeyView = {
  id: string
  name: string
  scopes: ApiScope[]
  createdAt: string
  createdByName: string
  expiresAt: string
  lastUsedAt: string | null
  lastUsedIp: string | null
  state: 'active' | 'expired' | 'revoked'
  revokedAt: string | null
  revokedByName: string | null
}

type KeyDoc = {
  _id: string
  name: string
  scopes: string[]
  createdAt: Date
  createdByName?: string | null
  expiresAt: Date
  lastUsedAt?: Date | null
  lastUsedIp?: string | null
  revokedAt?: Date | null
  revokedByName?: string | null
}

function viewOf(key: KeyDoc, now: Date): ApiKeyView {
  return {
    id: key._id,
    name: key.name,
    scopes: key.scopes.filter((scope): scope is ApiScope => (apiScopes as readonly string[]).includes(scope)),
    createdAt: key.createdAt.toISOString(),
    createdByName: key.createdByName ?? '',
    expiresAt: key.expiresAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp ?? null,
    state: key.revokedAt ? 'revoked' : key.expiresAt <= now ? 'expired' : 'active',
    revokedAt: key.revokedAt?.toISOString() ?? null,
    revokedByName: key.revokedByName ?? null,
  }
}

const hashOf = (secret: string) => crypto.createHash('sha256').update(secret).digest('hex')
const actorOf = (viewer: Viewer) => ({ userId: viewer.userId, organisationId: viewer.organisationId, label: viewer.email })

/** Only a partner's admins manage its keys, and only while the organisation may act. */
export function canManageKeys(viewer: Viewer) {
  return can(viewer, 'integration:manage')
}

/**
 * Creates a key and returns it in full, once: `pcp_<12>_<43>`. The first part is the key's id (shown in
 * lists and the audit log); only the SHA-256 of the whole key is stored.
 */
export async function createApiKey(viewer: Viewer, raw: z.input<typeof apiKeyInput>, meta?: RequestMeta, now = new Date()) {
  if (!canManageKeys(viewer)) throw new Response('Forbidden', { status: 403 })
  const input = apiKeyInput.parse(raw)
  const id = `pcp_${crypto.randomBytes(9).toString('base64url')}`
  const secret = `${id}_${crypto.randomBytes(32).toString('base64url')}`
  await ApiKeyModel.create({
    _id: id,
    organisationId: new Types.ObjectId(viewer.organisationId),
    actorId: new Types.ObjectId(),
    name: input.name,
    secretHash: hashOf(secret),
    scopes: [...new Set(input.scopes)],
    expiresAt: new Date(now.getTime() + input.expiresInDays * DAY),
    createdBy: new Types.ObjectId(viewer.userId),
    createdByName: viewer.name,
  })
  await recordAudit({
    action: 'api_key.created',
    actor: actorOf(viewer),
    target: { kind: 'api_key', id },
    meta,
    details: { name: input.name, scopes: input.scopes, expiresInDays: input.expiresInDays },
  })
  return { id, secret }
}

export async function listApiKeys(viewer: Viewer, now = new Date()): Promise<ApiKeyView[]> {
  if (!canManageKeys(viewer)) return []
  const keys = await ApiKeyModel.find({ organisationId: new Types.ObjectId(viewer.organisationId) })
    .sort({ createdAt: -1, _id: -1 })
    .limit(500)
    .lean<KeyDoc[]>()
  return keys.map((key) => viewOf(key, now))
}

/** One key of the viewer's organisation, or null (another organisation's key does not exist for them). */
export async function getApiKey(viewer: Viewer, id: string, now = new Date()): Promise<ApiKeyView | null> {
  if (!canManageKeys(viewer)) return null
  const key = await ApiKeyModel.findOne({ _id: id, organisationId: new Types.ObjectId(viewer.organisationId) }).lean<KeyDoc>()
  return key ? viewOf(key, now) : null
}

/** Revokes a key at once (the next call with it gets 401). Revoking twice changes nothing. */
export async function revokeApiKey(viewer: Viewer, id: string, meta?: RequestMeta, now = new Date()) {
  const key = await getApiKey(viewer, id, now)
  if (!key) return null
  if (key.state === 'revoked') return key
  await ApiKeyModel.updateOne(
    { _id: id, organisationId: new Types.ObjectId(viewer.organisationId) },
    { $set: { revokedAt: now, revokedByName: viewer.name } },
  )
  await recordAudit({ action: 'api_key.revoked', actor: actorOf(viewer), target: { kind: 'api_key', id }, meta, details: { name: key.name } })
  return getApiKey(viewer, id, now)
}

export type ApiCaller = { keyId: string; scopes: ApiScope[]; viewer: Viewer }

const keyFormat = /^(pcp_[A-Za-z0-9_-]{12})_[A-Za-z0-9_-]{43}$/

/**
 * The caller of an API request, from `Authorization: Bearer <key>`, or null: unknown, malformed,
 * revoked or expired keys, and keys of organisations that may not act now (suspended, rejected).
 * A key acts as a working member of its organisation, limited further by its scopes.
 */
export async function authenticateApiKey(header: string | null, meta: RequestMeta, now = new Date()): Promise<ApiCaller | null> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '')
  const secret = match?.[1] ?? ''
  const id = keyFormat.exec(secret)?.[1]
  if (!id) return null
  const key = await ApiKeyModel.findOne({ _id: id }).setOptions({ acrossOrganisations: ACROSS }).lean()
  if (!key || key.revokedAt || key.expiresAt <= now) return null
  const expected = Buffer.from(key.secretHash, 'hex')
  const given = Buffer.from(hashOf(secret), 'hex')
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null
  const organisation = await OrganisationModel.findById(key.organisationId).select({ legalName: 1, kind: 1, status: 1, isOperator: 1 }).lean()
  if (!organisation || !organisationMayAct(organisation.status) || organisation.isOperator) return null
  const kind = organisation.kind as OrganisationKind
  // Last use, at most once a minute per key (the list shows it; it need not cost a write per call).
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000 || key.lastUsedIp !== meta.ip) {
    await ApiKeyModel.updateOne({ _id: id, organisationId: key.organisationId }, { $set: { lastUsedAt: now, lastUsedIp: meta.ip ?? '' } })
  }
  return {
    keyId: id,
    scopes: key.scopes as ApiScope[],
    viewer: {
      userId: String(key.actorId),
      name: `API: ${key.name}`,
      email: id,
      roles: apiKeyRoles(kind),
      organisationId: String(key.organisationId),
      organisationName: organisation.legalName,
      organisationKind: kind,
      organisationStatus: organisation.status as OrganisationStatus,
      isOperator: false,
    },
  }
}
