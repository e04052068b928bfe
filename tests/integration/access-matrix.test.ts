import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  arrangeWorld,
  everyone,
  fillUrl,
  locationOf,
  sideOf,
  statusOf,
  urlOfRouteFile,
  type Side,
  type Who,
  type World,
} from '../support/access-fixtures'
import { anonymousClient, call, get, post, routeArgs, signedInClient, type Client } from '../support/requests'
import { createTestUser } from '../factories/users'
import { createApiKey, revokeApiKey } from '~/api/keys.server'
import { loadViewer } from '~/auth/guards.server'
import { createEndpoint } from '~/webhooks/endpoints.server'
import { apiScopes, type ApiScope } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'

/**
 * The access matrix: every page (loader) and every form action of app/routes/*.tsx, for every kind of
 * person, and for routes that take an id, for an object of the person's own side of the partnership
 * and one of the other side. Loaders and actions run for real, with real sessions and valid
 * anti-forgery tokens, so only the policy decides. A route file missing from the table fails the suite.
 *
 * Answers: 'ok' (2xx/3xx, or 400/409/410/422: a validation answer proves the policy let the request
 * through), 'login' (sent to sign in), 'home' (a page for signed-out people sends signed-in ones home),
 * 403, 404.
 */

type Outcome = 'ok' | 'login' | 'home' | 403 | 404 | 405
type Expectation = Record<Who, Outcome>
type Params = Record<string, string>
type Fields = Record<string, string | string[]>

const OK = 'ok'
const L = 'login'
const H = 'home'
/** One row of the matrix, in the order: signed out, staff, coordinator, DPO, member, admin, platform admin. */
function row(anonymous: Outcome, staff: Outcome, coordinator: Outcome, dpo: Outcome, member: Outcome, admin: Outcome, platformAdmin: Outcome): Expectation {
  return { anonymous, staff, coordinator, dpo, member, admin, platform_admin: platformAdmin }
}
const everybody = (outcome: Outcome) => row(outcome, outcome, outcome, outcome, outcome, outcome, outcome)
const signedIn = (outcome: Outcome = OK) => row(L, outcome, outcome, outcome, outcome, outcome, outcome)
/** Pages for signed-out people: they work signed out; signed-in people are sent home. */
const signedOutOnly = row(OK, H, H, H, H, H, H)

type Common = {
  file: string
  method: 'loader' | 'action'
  /** What the case is about, when the method alone does not say. */
  note?: string
  body?: (who: Who, target: string | null) => Fields
  /** Sent as multipart/form-data (the indicator import reads only that). */
  multipart?: boolean
  /** The client to send with (defaults to the person's shared, signed-in client). */
  client?: (who: Who) => Promise<Client>
}
type Plain = Common & { params?: (who: Who) => Params; expect: Expectation }
type Targeted = Common & { targets: Record<string, (who: Who) => Params>; expect: Record<string, Expectation> }
type Case = Plain | Targeted

let world: World
const sideOfWho = (who: Who): Side => (who === 'anonymous' ? 'centre' : sideOf[who])

// --- the table ------------------------------------------------------------------------------------

// Every id is looked up when a case runs (the world is arranged in beforeAll, after the table is built).
const cases = (): Case[] => {
  const own = {
    task: () => ({ taskId: world.tasks.own }),
    initiative: () => ({ initiativeId: world.initiatives.own }),
    indicator: () => ({ indicatorId: world.indicators.own }),
    template: () => ({ templateId: world.templates.own }),
    person: (who: Who) => ({ userId: world.colleagues[sideOfWho(who)] }),
    invitation: (who: Who) => ({ invitationId: world.invitations.view[sideOfWho(who)] }),
    invitationToRevoke: (who: Who) => ({ invitationId: world.invitations.revoke[sideOfWho(who)] }),
    organisation: (who: Who) => ({
      organisationId: { centre: world.organisations.centreA, partner: world.organisations.partnerP, operator: world.organisations.operator }[sideOfWho(who)],
    }),
    submission: (who: Who) => ({ submissionId: sideOfWho(who) === 'partner' ? world.submissions.partner : world.submissions.centre }),
  }
  const other = {
    task: () => ({ taskId: world.tasks.other }),
    initiative: () => ({ initiativeId: world.initiatives.other }),
    indicator: () => ({ indicatorId: world.indicators.other }),
    template: () => ({ templateId: world.templates.other }),
    person: () => ({ userId: world.otherPerson }),
    invitation: () => ({ invitationId: world.invitations.other }),
    organisation: () => ({ organisationId: world.organisations.partnerQ }),
    submission: () => ({ submissionId: world.submissions.other }),
  }
  const freshSession = async (who: Who) => (who === 'anonymous' ? anonymousClient() : signedInClient(world.people[who]))
  const purpose = { purpose: 'progress_review', note: '' }
  const initiativeFiles = ['initiatives_.$initiativeId_.report[.]pdf.tsx', 'initiatives_.$initiativeId_.reports[.]csv.tsx', 'initiatives_.$initiativeId_.tasks[.]csv.tsx']
  // Seen by the lead centre's staff and the participating partner; the DPO and the operator have no initiative role.
  const initiativeReaders = row(L, OK, OK, 404, OK, OK, 404)
  const taskReaders = row(L, OK, OK, 404, OK, OK, 404)
  const hiddenFromAll = row(L, 404, 404, 404, 404, 404, 404)

  return [
    // Public and sign-in pages
    { file: '$.tsx', method: 'loader', params: () => ({ '*': 'no/such/page' }), expect: everybody(404) },
    { file: '_index.tsx', method: 'loader', expect: everybody(OK) },
    { file: 'statistics.tsx', method: 'loader', expect: everybody(OK) },
    { file: 'apply.tsx', method: 'loader', expect: signedOutOnly },
    { file: 'apply.tsx', method: 'action', body: () => ({ legalName: '' }), expect: signedOutOnly },
    { file: 'login.tsx', method: 'loader', expect: signedOutOnly },
    { file: 'login.tsx', method: 'action', body: () => ({ email: 'not an address', password: '' }), expect: signedOutOnly },
    // Between password and second factor only; without a session, back to sign-in.
    { file: 'login_.verify.tsx', method: 'loader', expect: row(L, H, H, H, H, H, H) },
    { file: 'login_.verify.tsx', method: 'action', body: () => ({ code: '' }), expect: row(L, H, H, H, H, H, H) },
    { file: 'login_.enrol.tsx', method: 'loader', expect: row(L, H, H, H, H, H, H) },
    { file: 'login_.enrol.tsx', method: 'action', body: () => ({ code: '' }), expect: row(L, H, H, H, H, H, H) },
    { file: 'forgot-password.tsx', method: 'loader', expect: signedOutOnly },
    { file: 'forgot-password.tsx', method: 'action', body: () => ({ email: 'not an address' }), expect: signedOutOnly },
    // Token pages answer everyone (an unknown token is a page state, a bad form a 400, a spent token a 410).
    { file: 'reset-password.$token.tsx', method: 'loader', params: () => ({ token: 'no-such-token' }), expect: everybody(OK) },
    { file: 'reset-password.$token.tsx', method: 'action', params: () => ({ token: 'no-such-token' }), body: () => ({ password: 'short', confirm: '' }), expect: everybody(OK) },
    { file: 'invitations.$token.tsx', method: 'loader', params: () => ({ token: 'no-such-token' }), expect: everybody(OK) },
    { file: 'invitations.$token.tsx', method: 'action', params: () => ({ token: 'no-such-token' }), body: () => ({ name: '', password: '', confirm: '' }), expect: everybody(OK) },
    { file: 'logout.tsx', method: 'loader', expect: everybody(OK) },
    { file: 'logout.tsx', method: 'action', note: 'each with a session of its own', client: freshSession, body: () => ({}), expect: everybody(OK) },
    { file: 'resources.locale.tsx', method: 'loader', expect: everybody(OK) },
    { file: 'resources.locale.tsx', method: 'action', body: () => ({ locale: 'en', redirectTo: '/statistics' }), expect: everybody(OK) },
    { file: 'demo.mailbox.tsx', method: 'loader', note: 'outside the demo', expect: everybody(404) },

    // Everyone signed in
    { file: 'home.tsx', method: 'loader', expect: signedIn() },
    { file: 'account.tsx', method: 'loader', expect: signedIn() },
    { file: 'account.tsx', method: 'action', note: 'unknown intent', body: () => ({ intent: 'nothing' }), expect: signedIn() },
    { file: 'account_.notifications.tsx', method: 'loader', expect: signedIn() },
    { file: 'account_.notifications.tsx', method: 'action', body: () => ({ email: 'no-such-event' }), expect: signedIn() },
    { file: 'notifications.tsx', method: 'loader', expect: signedIn() },
    {
      file: 'notifications.tsx',
      method: 'action',
      note: 'mark one read',
      targets: { own: () => ({}), other: () => ({}) },
      body: (who, target) => ({
        intent: 'read',
        id: target === 'other' ? world.notifications.other : world.notifications.own[who === 'anonymous' ? 'staff' : who],
      }),
      expect: { own: signedIn(), other: signedIn(404) },
    },
    { file: 'partners._index.tsx', method: 'loader', expect: signedIn() },
    {
      file: 'partners.$organisationId.tsx',
      method: 'loader',
      targets: { own: own.organisation, other: other.organisation, applicant: () => ({ organisationId: world.organisations.applied }) },
      // The operator is not a member of the partnership: its own organisation is not in the directory either.
      expect: { own: row(L, OK, OK, OK, OK, OK, 404), other: signedIn(), applicant: signedIn(404) },
    },
    {
      file: 'partners.$organisationId.tsx',
      method: 'action',
      note: 'suspend the own organisation / reinstate an active one',
      targets: { own: own.organisation, other: other.organisation },
      body: (_who, target) => ({ intent: target === 'own' ? 'suspend' : 'reinstate', reason: 'Agreement breached (matrix test).', confirm: 'on' }),
      expect: {
        // A coordinator may not suspend the own centre (403); reinstating an active partner is a 409.
        own: row(L, 403, 403, 403, 403, 403, 403),
        other: row(L, 403, OK, 403, 403, 403, 403),
      },
    },

    // Vetting and people
    { file: 'vetting._index.tsx', method: 'loader', expect: row(L, 403, OK, 403, 403, 403, 403) },
    {
      file: 'vetting.$organisationId.tsx',
      method: 'loader',
      targets: { application: () => ({ organisationId: world.organisations.applied }), 'active partner': other.organisation },
      expect: { application: row(L, 403, OK, 403, 403, 403, 403), 'active partner': row(L, 403, 404, 403, 403, 403, 403) },
    },
    {
      file: 'vetting.$organisationId.tsx',
      method: 'action',
      note: 'reject',
      targets: { application: () => ({ organisationId: world.organisations.appliedToDecide }), 'active partner': other.organisation },
      body: () => ({ intent: 'reject', reason: 'No agreement reference could be confirmed.' }),
      expect: { application: row(L, 403, OK, 403, 403, 403, 403), 'active partner': row(L, 403, 404, 403, 403, 403, 403) },
    },
    { file: 'people._index.tsx', method: 'loader', expect: row(L, 403, OK, 403, 403, OK, 403) },
    { file: 'people.invite.tsx', method: 'loader', expect: row(L, 403, OK, 403, 403, OK, 403) },
    { file: 'people.invite.tsx', method: 'action', body: () => ({ name: '', email: '' }), expect: row(L, 403, OK, 403, 403, OK, 403) },
    {
      file: 'people.$userId.tsx',
      method: 'loader',
      targets: { own: own.person, other: other.person },
      expect: { own: row(L, 403, OK, 403, 403, OK, 403), other: row(L, 403, 404, 403, 403, 404, 403) },
    },
    {
      file: 'people.$userId.tsx',
      method: 'action',
      note: 'unknown intent',
      targets: { own: own.person, other: other.person },
      body: () => ({ intent: 'nothing' }),
      expect: { own: row(L, 403, OK, 403, 403, OK, 403), other: row(L, 403, 404, 403, 403, 404, 403) },
    },
    {
      file: 'people.invitations.$invitationId.tsx',
      method: 'loader',
      targets: { own: own.invitation, other: other.invitation },
      expect: { own: row(L, 403, OK, 403, 403, OK, 403), other: row(L, 403, 404, 403, 403, 404, 403) },
    },
    {
      file: 'people.invitations.$invitationId.tsx',
      method: 'action',
      note: 'revoke, confirmed',
      targets: { own: own.invitationToRevoke, other: other.invitation },
      body: () => ({ confirm: 'yes' }),
      expect: { own: row(L, 403, OK, 403, 403, OK, 403), other: row(L, 403, 404, 403, 403, 404, 403) },
    },

    // Audit and data protection
    { file: 'audit._index.tsx', method: 'loader', expect: row(L, 403, 403, OK, 403, 403, OK) },
    { file: 'audit.export.tsx', method: 'loader', expect: row(L, 403, 403, OK, 403, 403, OK) },
    { file: 'audit.export.tsx', method: 'action', body: () => ({ purpose: '' }), expect: row(L, 403, 403, OK, 403, 403, OK) },
    { file: 'dpo._index.tsx', method: 'loader', expect: row(L, 403, 403, OK, 403, 403, 403) },
    { file: 'dpo.accesses.tsx', method: 'loader', expect: row(L, 403, 403, OK, 403, 403, 403) },
    { file: 'dpo.retention.tsx', method: 'loader', expect: row(L, 403, 403, OK, 403, 403, 403) },
    { file: 'dpo.retention.tsx', method: 'action', body: () => ({ personalReviewMonths: 'x' }), expect: row(L, 403, 403, OK, 403, 403, 403) },
    {
      file: 'retention.$submissionId.tsx',
      method: 'loader',
      // The source organisation's working people only: not its DPO, never the operator.
      targets: { own: own.submission, other: other.submission },
      expect: { own: row(L, OK, OK, 404, OK, OK, 404), other: signedIn(404) },
    },
    {
      file: 'retention.$submissionId.tsx',
      method: 'action',
      note: 're-justify',
      targets: { own: own.submission, other: other.submission },
      body: () => ({ purpose: 'investigation', justification: 'The storefront is still selling; the case stays open.' }),
      expect: { own: row(L, OK, OK, 404, OK, OK, 404), other: signedIn(404) },
    },

    // Tasks and templates
    { file: 'tasks._index.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'tasks._index.tsx', method: 'action', note: 'acknowledge several', body: () => ({ intent: 'acknowledge' }), expect: row(L, 403, 403, 403, OK, OK, 403) },
    { file: 'tasks.new.tsx', method: 'loader', expect: row(L, OK, OK, 403, 403, 403, 403) },
    { file: 'tasks.new.tsx', method: 'action', body: () => ({ intent: 'assign' }), expect: row(L, OK, OK, 403, 403, 403, 403) },
    {
      file: 'tasks.$taskId.tsx',
      method: 'loader',
      targets: { own: own.task, other: other.task },
      expect: { own: taskReaders, other: hiddenFromAll },
    },
    {
      file: 'tasks.$taskId.tsx',
      method: 'action',
      note: 'unknown intent',
      targets: { own: own.task, other: other.task },
      body: () => ({ intent: 'nothing' }),
      expect: { own: taskReaders, other: hiddenFromAll },
    },
    { file: 'tasks.templates._index.tsx', method: 'loader', expect: row(L, OK, OK, 403, 403, 403, 403) },
    { file: 'tasks.templates._index.tsx', method: 'action', note: 'due-date policy', body: () => ({ urgent: 'x' }), expect: row(L, 403, OK, 403, 403, 403, 403) },
    { file: 'tasks.templates.new.tsx', method: 'loader', expect: row(L, OK, OK, 403, 403, 403, 403) },
    { file: 'tasks.templates.new.tsx', method: 'action', body: () => ({ name: '' }), expect: row(L, OK, OK, 403, 403, 403, 403) },
    {
      file: 'tasks.templates.$templateId.tsx',
      method: 'loader',
      targets: { own: own.template, other: other.template },
      expect: { own: row(L, OK, OK, 403, 403, 403, 403), other: row(L, 404, 404, 403, 403, 403, 403) },
    },
    {
      file: 'tasks.templates.$templateId.tsx',
      method: 'action',
      note: 'save with no name',
      targets: { own: own.template, other: other.template },
      body: () => ({ name: '' }),
      expect: { own: row(L, OK, OK, 403, 403, 403, 403), other: row(L, 404, 404, 403, 403, 403, 403) },
    },
    {
      file: 'tasks.templates.$templateId_.apply.tsx',
      method: 'loader',
      targets: { own: own.template, other: other.template },
      expect: { own: row(L, OK, OK, 403, 403, 403, 403), other: row(L, 404, 404, 403, 403, 403, 403) },
    },
    {
      file: 'tasks.templates.$templateId_.apply.tsx',
      method: 'action',
      targets: { own: own.template, other: other.template },
      body: () => ({ tlp: 'nothing' }),
      expect: { own: row(L, OK, OK, 403, 403, 403, 403), other: row(L, 404, 404, 403, 403, 403, 403) },
    },

    // Initiatives and their exports
    { file: 'initiatives._index.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'initiatives._index.tsx', method: 'action', note: 'answer an invitation', body: () => ({ intent: 'accept' }), expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'initiatives.new.tsx', method: 'loader', expect: row(L, OK, OK, 403, 403, 403, 403) },
    { file: 'initiatives.new.tsx', method: 'action', body: () => ({ title: '' }), expect: row(L, OK, OK, 403, 403, 403, 403) },
    {
      file: 'initiatives.$initiativeId.tsx',
      method: 'loader',
      targets: { own: own.initiative, other: other.initiative },
      expect: { own: initiativeReaders, other: hiddenFromAll },
    },
    {
      file: 'initiatives.$initiativeId.tsx',
      method: 'action',
      note: 'unknown intent',
      targets: { own: own.initiative, other: other.initiative },
      body: () => ({ intent: 'nothing' }),
      expect: { own: initiativeReaders, other: hiddenFromAll },
    },
    {
      file: 'initiatives.$initiativeId_.edit.tsx',
      method: 'loader',
      targets: { own: own.initiative, other: other.initiative },
      // Only the lead centre edits: a participant sees the initiative but may not change it.
      expect: { own: row(L, OK, OK, 404, 403, 403, 404), other: hiddenFromAll },
    },
    {
      file: 'initiatives.$initiativeId_.edit.tsx',
      method: 'action',
      targets: { own: own.initiative, other: other.initiative },
      body: () => ({ title: '' }),
      expect: { own: row(L, OK, OK, 404, 403, 403, 404), other: hiddenFromAll },
    },
    {
      file: 'initiatives_.$initiativeId_.export.tsx',
      method: 'loader',
      targets: { own: own.initiative, other: other.initiative },
      expect: { own: initiativeReaders, other: hiddenFromAll },
    },
    ...initiativeFiles.flatMap((file): Case[] => [
      {
        file,
        method: 'loader',
        targets: { own: own.initiative, other: other.initiative },
        expect: { own: initiativeReaders, other: hiddenFromAll },
      },
      {
        file,
        method: 'action',
        note: 'download with a purpose',
        targets: { own: own.initiative, other: other.initiative },
        body: () => purpose,
        expect: { own: initiativeReaders, other: hiddenFromAll },
      },
    ]),

    // Indicators
    // Indicators are case content: not for the DPO's role alone, nor the operator.
    { file: 'indicators._index.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.new.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.new.tsx', method: 'action', body: () => ({ type: '' }), expect: row(L, OK, OK, 403, OK, OK, 403) },
    {
      file: 'indicators.$indicatorId.tsx',
      method: 'loader',
      targets: { own: own.indicator, other: other.indicator },
      // P's AMBER statement in A's initiative: the source and the lead centre; Q's is nobody's business here.
      expect: { own: row(L, OK, OK, 403, OK, OK, 403), other: row(L, 404, 404, 403, 404, 404, 403) },
    },
    {
      file: 'indicators.$indicatorId.tsx',
      method: 'action',
      note: 'unknown intent',
      targets: { own: own.indicator, other: other.indicator },
      body: () => ({ intent: 'nothing' }),
      expect: { own: row(L, OK, OK, 403, OK, OK, 403), other: row(L, 404, 404, 403, 404, 404, 403) },
    },
    { file: 'indicators.export.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.export_.download.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.export_.download.tsx', method: 'action', note: 'no purpose', body: () => ({ format: 'csv' }), expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.import.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.import.tsx', method: 'action', note: 'no file', multipart: true, body: () => ({ intent: 'import' }), expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.import_.example[.]csv.tsx', method: 'loader', expect: row(L, OK, OK, 403, OK, OK, 403) },
    { file: 'indicators.import_.report.tsx', method: 'loader', note: 'a visit goes to the import page', expect: signedIn() },
    { file: 'indicators.import_.report.tsx', method: 'action', note: 'no file', multipart: true, body: () => ({ intent: 'report' }), expect: row(L, OK, OK, 403, OK, OK, 403) },

    // Integrations: a partner's admins manage its API keys (another organisation's key does not exist for them)
    { file: 'integrations._index.tsx', method: 'loader', expect: row(L, 403, 403, 403, 403, OK, 403) },
    { file: 'integrations.keys.new.tsx', method: 'loader', expect: row(L, 403, 403, 403, 403, OK, 403) },
    { file: 'integrations.keys.new.tsx', method: 'action', note: 'no name', body: () => ({ name: '', scopes: 'tasks:read', expiresInDays: '30' }), expect: row(L, 403, 403, 403, 403, OK, 403) },
    {
      file: 'integrations.keys.$keyId.tsx',
      method: 'loader',
      targets: { own: () => ({ keyId: apiKeys.ownId }), other: () => ({ keyId: apiKeys.otherId }) },
      expect: { own: row(L, 403, 403, 403, 403, OK, 403), other: row(L, 403, 403, 403, 403, 404, 403) },
    },
    {
      file: 'integrations.keys.$keyId.tsx',
      method: 'action',
      note: 'revoke, unconfirmed',
      targets: { own: () => ({ keyId: apiKeys.ownId }), other: () => ({ keyId: apiKeys.otherId }) },
      body: () => ({ intent: 'revoke' }),
      expect: { own: row(L, 403, 403, 403, 403, OK, 403), other: row(L, 403, 403, 403, 403, 404, 403) },
    },
    { file: 'integrations.webhooks._index.tsx', method: 'loader', expect: row(L, 403, 403, 403, 403, OK, 403) },
    { file: 'integrations.webhooks.new.tsx', method: 'loader', expect: row(L, 403, 403, 403, 403, OK, 403) },
    { file: 'integrations.webhooks.new.tsx', method: 'action', note: 'no address', body: () => ({ url: '', events: 'task.assigned' }), expect: row(L, 403, 403, 403, 403, OK, 403) },
    {
      file: 'integrations.webhooks.$endpointId.tsx',
      method: 'loader',
      targets: { own: () => ({ endpointId: webhookEndpoints.own }), other: () => ({ endpointId: webhookEndpoints.other }) },
      expect: { own: row(L, 403, 403, 403, 403, OK, 403), other: row(L, 403, 403, 403, 403, 404, 403) },
    },
    {
      file: 'integrations.webhooks.$endpointId.tsx',
      method: 'action',
      note: 'unknown intent',
      targets: { own: () => ({ endpointId: webhookEndpoints.own }), other: () => ({ endpointId: webhookEndpoints.other }) },
      body: () => ({ intent: 'nothing' }),
      expect: { own: row(L, 403, 403, 403, 403, OK, 403), other: row(L, 403, 403, 403, 403, 404, 403) },
    },

    // The developer documentation describes the API and discloses nothing: public.
    { file: 'developers._index.tsx', method: 'loader', expect: everybody(OK) },
    { file: 'developers.guide.tsx', method: 'loader', expect: everybody(OK) },

    // A task sent back to its centre for review (an indicator it carries was retracted): the centre clears it.
    { file: 'tasks.$taskId_.review.tsx', method: 'loader', note: 'a visit goes to the task', params: own.task, expect: signedIn() },
    {
      file: 'tasks.$taskId_.review.tsx',
      method: 'action',
      targets: { own: own.task, other: other.task },
      body: () => ({ note: '' }),
      expect: { own: row(L, OK, OK, 404, 403, 403, 404), other: hiddenFromAll },
    },
  ]
}

const webhookEndpoints = { own: '', other: '' }

// --- the API: keys, not sessions ------------------------------------------------------------------

/**
 * Every endpoint of /api/v1, called with API keys: partner P's key on P's objects (own) and on Q's
 * (other), a key of P lacking the endpoint's scope, a revoked key, no key, and each person's signed-in
 * session without a key (a session never authenticates the API).
 */
type ApiOutcome = 'ok' | 401 | 403 | 404
type ApiCase = {
  file: string
  method: 'loader' | 'action'
  scope: ApiScope
  note?: string
  targets: Record<'own' | 'other', () => Params>
  body?: unknown
  expect: Record<'own' | 'other', ApiOutcome>
}

const apiKeys = { own: '', ownId: '', other: '', otherId: '', revoked: '', scoped: {} as Partial<Record<ApiScope, string>> }

const apiCases = (): ApiCase[] => {
  const task = { own: () => ({ taskId: world.tasks.own }), other: () => ({ taskId: world.tasks.other }) }
  const indicator = { own: () => ({ indicatorId: world.indicators.own }), other: () => ({ indicatorId: world.indicators.other }) }
  const none = { own: () => ({}), other: () => ({}) }
  const hidden = { own: 'ok', other: 404 } as const
  const lists = { own: 'ok', other: 'ok' } as const
  return [
    { file: 'api.v1.tasks._index.ts', method: 'loader', scope: 'tasks:read', targets: none, expect: lists },
    { file: 'api.v1.tasks.$taskId._index.ts', method: 'loader', scope: 'tasks:read', targets: task, expect: hidden },
    { file: 'api.v1.tasks.$taskId.acknowledge.ts', method: 'action', scope: 'tasks:write', targets: task, expect: hidden },
    { file: 'api.v1.tasks.$taskId.decline.ts', method: 'action', scope: 'tasks:write', targets: task, body: { reason: 'Not our customer any more' }, expect: hidden },
    { file: 'api.v1.tasks.$taskId.reports.ts', method: 'action', scope: 'reports:write', targets: task, body: { actions: [{ type: 'url_blocked', quantity: 1, actionDate: '2026-11-01' }] }, expect: hidden },
    { file: 'api.v1.tasks.$taskId.comments.ts', method: 'action', scope: 'tasks:write', targets: task, body: { body: 'Seen, working on it.' }, expect: hidden },
    { file: 'api.v1.initiatives._index.ts', method: 'loader', scope: 'initiatives:read', targets: none, expect: lists },
    {
      file: 'api.v1.initiatives.$initiativeId.ts',
      method: 'loader',
      scope: 'initiatives:read',
      targets: { own: () => ({ initiativeId: world.initiatives.own }), other: () => ({ initiativeId: world.initiatives.other }) },
      expect: hidden,
    },
    { file: 'api.v1.indicators._index.ts', method: 'loader', scope: 'indicators:read', targets: none, expect: lists },
    { file: 'api.v1.indicators._index.ts', method: 'action', scope: 'indicators:write', targets: none, body: { indicators: [] }, expect: lists },
    { file: 'api.v1.indicators.$indicatorId._index.ts', method: 'loader', scope: 'indicators:read', targets: indicator, expect: hidden },
    { file: 'api.v1.indicators.$indicatorId.sightings.ts', method: 'action', scope: 'sightings:write', targets: indicator, body: { kind: 'seen', at: '2026-11-01T00:00:00Z' }, expect: hidden },
  ]
}

/** The documents around the endpoints: public, and an unknown API address is a 404 for everyone. */
const apiDocumentCases = (): Case[] => [
  { file: 'api.v1.openapi[.]json.ts', method: 'loader', expect: everybody(OK) },
  // A method an endpoint does not serve: 405 with Allow, before anything else.
  ...(
    [
      ['api.v1.tasks._index.ts', 'action'],
      ['api.v1.tasks.$taskId._index.ts', 'action'],
      ['api.v1.tasks.$taskId.acknowledge.ts', 'loader'],
      ['api.v1.tasks.$taskId.decline.ts', 'loader'],
      ['api.v1.tasks.$taskId.reports.ts', 'loader'],
      ['api.v1.tasks.$taskId.comments.ts', 'loader'],
      ['api.v1.initiatives._index.ts', 'action'],
      ['api.v1.initiatives.$initiativeId.ts', 'action'],
      ['api.v1.indicators.$indicatorId._index.ts', 'action'],
      ['api.v1.indicators.$indicatorId.sightings.ts', 'loader'],
    ] as const
  ).map(([file, method]): Case => ({ file, method, note: 'method not allowed', params: () => ({ taskId: 'x', initiativeId: 'x', indicatorId: 'x' }), body: () => ({}), expect: everybody(405) })),
  { file: 'api.$.ts', method: 'loader', params: () => ({ '*': 'v1/no-such-thing' }), expect: everybody(404) },
  { file: 'api.$.ts', method: 'action', params: () => ({ '*': 'v1/no-such-thing' }), body: () => ({}), expect: everybody(404) },
]

async function apiOutcome(entry: ApiCase, params: Params, auth: { key?: string; cookie?: string }): Promise<ApiOutcome | number> {
  const module = await loadRoute(entry.file)
  const fn = module[entry.method]
  if (!fn) throw new Error(`${entry.file} has no ${entry.method}`)
  const url = `http://localhost${fillUrl(urlOfRouteFile(entry.file), params)}`
  const headers: Record<string, string> = {
    ...(auth.key ? { authorization: `Bearer ${auth.key}` } : {}),
    ...(auth.cookie ? { cookie: auth.cookie } : {}),
  }
  const request =
    entry.method === 'loader'
      ? new Request(url, { headers })
      : new Request(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(entry.body ?? {}) })
  const status = statusOf(await call(async () => fn(routeArgs(request, params))))
  if (status === 401 || status === 403 || status === 404) return status
  if (status < 400 || [400, 409, 422].includes(status)) return 'ok'
  return status
}

// --- running a case -------------------------------------------------------------------------------

type RouteFunction = (args: ReturnType<typeof routeArgs>) => unknown
type RouteModule = { loader?: RouteFunction; action?: RouteFunction }

const isRouteFunction = (value: unknown): value is RouteFunction => typeof value === 'function'
const routesDir = path.resolve('app/routes')
const routeFiles = fs
  .readdirSync(routesDir)
  .filter((file) => /\.(tsx|ts)$/.test(file))
  .sort()
const modules = new Map<string, RouteModule>()

async function loadRoute(file: string): Promise<RouteModule> {
  const known = modules.get(file)
  if (known) return known
  const imported: Record<string, unknown> = await import(/* @vite-ignore */ path.join(routesDir, file))
  const module: RouteModule = {
    loader: isRouteFunction(imported.loader) ? imported.loader : undefined,
    action: isRouteFunction(imported.action) ? imported.action : undefined,
  }
  modules.set(file, module)
  return module
}

function multipartRequest(url: string, client: Client, fields: Fields) {
  const form = new FormData()
  form.append('csrf', client.csrf)
  for (const [key, value] of Object.entries(fields)) for (const item of Array.isArray(value) ? value : [value]) form.append(key, item)
  return new Request(url, { method: 'POST', body: form, headers: { cookie: client.cookie } })
}

async function requestFor(entry: Case, who: Who, params: Params, target: string | null): Promise<Request> {
  const client = entry.client ? await entry.client(who) : world.clients[who]
  const url = fillUrl(urlOfRouteFile(entry.file), params)
  if (entry.method === 'loader') return get(url, client)
  const fields = entry.body?.(who, target) ?? {}
  return entry.multipart ? multipartRequest(`http://localhost${url}`, client, fields) : post(url, client, fields)
}

/** What the person got, in the matrix's terms (any other status is reported as the number). */
function classify(result: unknown): Outcome | number {
  const status = statusOf(result)
  const location = locationOf(result) ?? ''
  if (status >= 300 && status < 400 && /^\/login([/?]|$)/.test(location)) return 'login'
  if (status >= 300 && status < 400 && location === '/home') return 'home'
  if (status === 403 || status === 404 || status === 405) return status
  if (status < 400 || [400, 409, 410, 422].includes(status)) return 'ok'
  return status
}

async function outcomeOf(entry: Case, who: Who, params: Params, target: string | null): Promise<Outcome | number> {
  const module = await loadRoute(entry.file)
  const fn = module[entry.method]
  if (!fn) throw new Error(`${entry.file} has no ${entry.method}`)
  const request = await requestFor(entry, who, params, target)
  return classify(await call(async () => fn(routeArgs(request, params))))
}

// --- the suite ------------------------------------------------------------------------------------

const table: Case[] = [...cases(), ...apiDocumentCases()]
const apiTable: ApiCase[] = apiCases()
let started = 0

beforeAll(async () => {
  started = Date.now()
  world = await arrangeWorld()
  const key = (viewer: Viewer, scopes: ApiScope[]) => createApiKey(viewer, { name: `Matrix key with ${scopes.length} scopes`, scopes, expiresInDays: 30 })
  const own = await key(world.viewers.admin, [...apiScopes])
  const qAdmin = await createTestUser({ organisationId: world.organisations.partnerQ, roles: ['admin'] })
  const qViewer = await loadViewer(qAdmin.id, world.organisations.partnerQ)
  if (!qViewer) throw new Error('partner Q admin not loaded')
  const other = await key(qViewer, [...apiScopes])
  const revoked = await key(world.viewers.admin, [...apiScopes])
  await revokeApiKey(world.viewers.admin, revoked.id)
  Object.assign(apiKeys, { own: own.secret, ownId: own.id, other: other.secret, otherId: other.id, revoked: revoked.secret })
  const hook = (viewer: Viewer) => createEndpoint(viewer, { url: 'https://hooks.example.org/portal', events: ['task.assigned'], description: '' })
  Object.assign(webhookEndpoints, { own: (await hook(world.viewers.admin)).id, other: (await hook(qViewer)).id })
  for (const scope of apiScopes) apiKeys.scoped[scope] = (await key(world.viewers.admin, apiScopes.filter((s) => s !== scope))).secret
})

afterAll(() => {
  const checked = new Set([...table, ...apiTable].map((entry) => entry.file))
  const calls =
    table.reduce((sum, entry) => sum + everyone.length * ('targets' in entry ? Object.keys(entry.targets).length : 1), 0) +
    apiTable.reduce((sum, entry) => sum + everyone.length + Object.keys(entry.targets).length + 2, 0)
  console.info(
    `access matrix: ${checked.size} of ${routeFiles.length} route files, ${table.length + apiTable.length} loader/action entries, ${calls} role × object cases in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  )
})

describe('the matrix covers every route', () => {
  test('each loader and action of app/routes has an entry (a new route must be added to the table)', async () => {
    const missing: string[] = []
    for (const file of routeFiles) {
      const module = await loadRoute(file)
      for (const method of ['loader', 'action'] as const) {
        const listed = [...table, ...apiTable].some((entry) => entry.file === file && entry.method === method)
        if (module[method] && !listed) missing.push(`${method} of ${file} (${urlOfRouteFile(file)})`)
      }
      if (!module.loader && !module.action) missing.push(`${file} exports neither a loader nor an action`)
    }
    expect(missing, 'route files without an entry in the access matrix').toEqual([])
  })

  test('every entry names an existing route file and method, and every target has an expectation', async () => {
    const wrong: string[] = []
    for (const entry of [...table, ...apiTable]) {
      if (!routeFiles.includes(entry.file)) wrong.push(`${entry.file}: no such route file`)
      else if (!(await loadRoute(entry.file))[entry.method]) wrong.push(`${entry.file}: no ${entry.method}`)
      if ('targets' in entry) {
        const expectations: Record<string, unknown> = entry.expect
        for (const target of Object.keys(entry.targets)) if (!expectations[target]) wrong.push(`${entry.file} ${entry.method}: no expectation for ${target}`)
      }
    }
    expect(wrong).toEqual([])
  })

  test('file names map to the URLs Remix serves', () => {
    expect(urlOfRouteFile('_index.tsx')).toBe('/')
    expect(urlOfRouteFile('$.tsx')).toBe('/*')
    expect(urlOfRouteFile('tasks.$taskId.tsx')).toBe('/tasks/:taskId')
    expect(urlOfRouteFile('account_.notifications.tsx')).toBe('/account/notifications')
    expect(urlOfRouteFile('indicators.import_.example[.]csv.tsx')).toBe('/indicators/import/example.csv')
    expect(urlOfRouteFile('initiatives_.$initiativeId_.report[.]pdf.tsx')).toBe('/initiatives/:initiativeId/report.pdf')
    expect(urlOfRouteFile('people._index.tsx')).toBe('/people')
  })
})

const label = (entry: Case) => `${entry.method === 'loader' ? 'GET' : 'POST'} ${urlOfRouteFile(entry.file)}${entry.note ? ` (${entry.note})` : ''}`

describe('access matrix', () => {
  describe.each(table.map((entry) => ({ entry, label: label(entry) })))('$label', ({ entry }) => {
    test.each([...everyone])('%s', async (who) => {
      if ('targets' in entry) {
        const got: Record<string, Outcome | number> = {}
        const wanted: Record<string, Outcome | undefined> = {}
        for (const [target, params] of Object.entries(entry.targets)) {
          got[target] = await outcomeOf(entry, who, params(who), target)
          wanted[target] = entry.expect[target]?.[who]
        }
        expect(got, `${label(entry)} as ${who}`).toEqual(wanted)
      } else {
        expect(await outcomeOf(entry, who, entry.params?.(who) ?? {}, null), `${label(entry)} as ${who}`).toBe(entry.expect[who])
      }
    })
  })
})

describe('API access matrix', () => {
  describe.each(apiTable.map((entry) => ({ entry, label: `${entry.method === 'loader' ? 'GET' : 'POST'} ${urlOfRouteFile(entry.file)}` })))('$label', ({ entry }) => {
    test("P's key: its own objects, not Q's", async () => {
      const got = { own: await apiOutcome(entry, entry.targets.own(), { key: apiKeys.own }), other: await apiOutcome(entry, entry.targets.other(), { key: apiKeys.own }) }
      expect(got).toEqual(entry.expect)
    })
    test("Q's key: Q's objects, not P's", async () => {
      const flipped = { own: entry.expect.other === 404 ? 404 : 'ok', other: 'ok' }
      const got = { own: await apiOutcome(entry, entry.targets.own(), { key: apiKeys.other }), other: await apiOutcome(entry, entry.targets.other(), { key: apiKeys.other }) }
      expect(got).toEqual(flipped)
    })
    test('a key without the scope gets 403; a revoked key and no key get 401', async () => {
      expect(await apiOutcome(entry, entry.targets.own(), { key: apiKeys.scoped[entry.scope] })).toBe(403)
      expect(await apiOutcome(entry, entry.targets.own(), { key: apiKeys.revoked })).toBe(401)
      expect(await apiOutcome(entry, entry.targets.own(), {})).toBe(401)
    })
    test.each([...everyone])('a session of %s without a key gets 401', async (who) => {
      expect(await apiOutcome(entry, entry.targets.own(), { cookie: world.clients[who].cookie })).toBe(401)
    })
  })
})
