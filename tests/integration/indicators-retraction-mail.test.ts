import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { getViewer } from '~/auth/guards.server'
import type { Role } from '~/domain/vocabulary'
import { IndicatorError, linkIndicatorToTask, recordSighting, retractSubmission } from '~/indicators/indicators.server'
import { submitIndicatorBatch } from '~/indicators/submit.server'
import { deliverOutbox, settleDelivery } from '~/mail/outbox.server'
import { readMailbox, startSmtpSink } from '~/mail/smtp-sink.server'
import { listNotifications } from '~/notifications/notifications.server'
import { notifyIndicatorRetracted } from '~/notifications/notify.server'
import { saveEmailPreferences } from '~/notifications/preferences.server'
import { notificationEvents } from '~/domain/vocabulary'
import NotificationsPage, { loader as notificationsLoader } from '~/routes/notifications'
import { createTasks, transitionTask } from '~/tasks/tasks.server'
import { resetEnvCache } from '~/utils/env.server'
import { settleWebhookDelivery } from '~/webhooks/deliver.server'
import { createTestUser } from '../factories/users'
import { get, signedInClient } from '../support/requests'
import { renderRoute } from './indicators-io-support'
import { collection, member } from './partners-support'

/**
 * A retraction also comes by e-mail, once, to each person who received the indicator and did not mute
 * it, and the e-mail never carries the indicator's value (e-mail leaves the portal). In the portal, a
 * notice without a task of the recipient's points at the indicator, while the recipient may still open it.
 */

type Member = Awaited<ReturnType<typeof member>>
type Person = Pick<Member, 'client' | 'viewer' | 'user'>

const run = randomBytes(4).toString('hex')
const value = `retracted-storefront-${run}.example.com`
const taskTitle = `Terminate the merchant account ${run}`
const reason = 'False positive: the merchant sells flowers'
const at = new Date(Date.now() - 5_000)

let sink: Awaited<ReturnType<typeof startSmtpSink>>
let dir = ''
const previousSmtp = process.env.SMTP_URL

let creator: Person
let source: Member
let assignee: Member
let sighter: Member
let muted: Person
let id = ''
let taskId = ''

async function personIn(organisationId: string, roles: Role[]): Promise<Person> {
  const user = await createTestUser({ organisationId, roles })
  const client = await signedInClient(user)
  const viewer = await getViewer(get('/', client))
  if (!viewer) throw new Error('could not sign in')
  return { user, client, viewer }
}

/** Delivers everything queued to the local SMTP sink. */
async function deliverAll() {
  await settleDelivery()
  for (let pass = 0; pass < 10; pass++) if (!(await deliverOutbox()).more) break
  await settleDelivery()
}

const mailTo = (who: Pick<Person, 'user'>) => readMailbox(dir, who.user.email)
const retractionsOf = async (who: Pick<Person, 'viewer'>) =>
  (await listNotifications(who.viewer, { show: 'all' })).notifications.filter((notification) => notification.event === 'indicator_retracted')

const notificationsPage = { pattern: '/notifications', loader: notificationsLoader, Component: NotificationsPage }

/** Neither the value as typed, nor its defanged form, nor its normalised form. */
function expectNoValue(text: string) {
  expect(text).not.toContain(value)
  expect(text).not.toContain(value.replace(/\./g, '[.]'))
  expect(text.toLowerCase()).not.toContain(`retracted-storefront-${run}`)
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'retraction-mail-'))
  sink = await startSmtpSink({ dir })
  process.env.SMTP_URL = sink.url
  resetEnvCache()

  const coordinator = await member({ kind: 'national_centre' })
  creator = await personIn(coordinator.organisation.id, ['staff'])
  source = await member({ kind: 'bank' })
  assignee = await member({ kind: 'acquirer_processor' })
  sighter = await member({ kind: 'isp' })
  muted = await personIn(sighter.organisation.id, ['member'])
  await saveEmailPreferences(
    muted.viewer,
    notificationEvents.filter((event) => event !== 'indicator_retracted'),
  )

  const submitted = await submitIndicatorBatch(source.viewer, [{ type: 'domain', value, tlp: 'GREEN', reliability: 'B', credibility: '2' }], { source: 'api' })
  expect(submitted.rejected).toEqual([])
  id = submitted.ids[0] ?? ''
  taskId = (await createTasks(creator.viewer, { title: taskTitle, assigneeOrganisationIds: [assignee.organisation.id], tlp: 'AMBER' })).ids[0] ?? ''
  expect(await linkIndicatorToTask(creator.viewer, taskId, id)).toEqual({ linked: true })
  await transitionTask(assignee.viewer, taskId, 'acknowledge')
  await recordSighting(sighter.viewer, id, { kind: 'seen', at: new Date(Date.now() - 60_000), count: 2, tlp: 'GREEN' })
  // Whatever the task flow queued so far is delivered first, so the mailbox below holds retractions only.
  await deliverAll()

  await retractSubmission(source.viewer, id, { reason }, undefined, at)
  await deliverAll()
})

afterAll(async () => {
  await settleDelivery()
  await settleWebhookDelivery()
  await sink.stop()
  if (previousSmtp === undefined) delete process.env.SMTP_URL
  else process.env.SMTP_URL = previousSmtp
  resetEnvCache()
  fs.rmSync(dir, { recursive: true, force: true })
})

const retractionMails = (who: Pick<Person, 'user'>) => mailTo(who).filter((mail) => /retract/i.test(mail.subject))

describe('a retraction by e-mail', () => {
  test('a person with the task gets exactly one e-mail, about the task, without the value', async () => {
    const mails = retractionMails(assignee)
    expect(mails).toHaveLength(1)
    const [mail] = mails
    expect(mail?.subject).toBe(`Indicator retracted: ${taskTitle}`)
    expect(mail?.text).toContain(`/tasks/${taskId}`)
    expect(mail?.text).toContain(source.organisation.legalName)
    expect(mail?.text).not.toContain(`/indicators/${id}`)
    expectNoValue(`${mail?.subject}\n${mail?.text}`)
    // The centre's creator hears of it by e-mail too.
    expect(retractionMails(creator)).toHaveLength(1)
  })

  test('a person who only recorded a sighting gets one e-mail linking to the indicator, without the value or the reason', async () => {
    const mails = retractionMails(sighter)
    expect(mails).toHaveLength(1)
    const [mail] = mails
    expect(mail?.subject).toBe('Indicator retracted by its source')
    expect(mail?.text).toContain(`/indicators/${id}`)
    expect(mail?.text).toContain('recorded a sighting')
    expectNoValue(`${mail?.subject}\n${mail?.text}`)
    expect(mail?.text).not.toContain(reason)
  })

  test('a person who muted the event gets no e-mail, but still the notice in the portal', async () => {
    expect(retractionMails(muted)).toHaveLength(0)
    expect(await retractionsOf(muted)).toHaveLength(1)
  })

  test('the source hears nothing of its own retraction', async () => {
    expect(retractionMails(source)).toHaveLength(0)
    expect(await retractionsOf(source)).toHaveLength(0)
  })

  test('a second run sends nothing more, and a second retraction is refused', async () => {
    const before = readMailbox(dir).length
    // The same run again (a retried job): same key, same people.
    const again = await notifyIndicatorRetracted({
      recipients: [
        { userId: sighter.user.id, organisationId: sighter.organisation.id, taskId: null, taskTitle: null },
        { userId: assignee.user.id, organisationId: assignee.organisation.id, taskId, taskTitle },
      ],
      indicatorId: id,
      title: 'domain',
      actor: { userId: source.user.id, name: source.organisation.legalName },
      dedupeKey: `indicator:${id}:${source.organisation.id}:retracted:${at.getTime()}`,
    })
    expect(again).toBe(0)
    await expect(retractSubmission(source.viewer, id, { reason })).rejects.toBeInstanceOf(IndicatorError)
    await deliverAll()
    expect(readMailbox(dir).length).toBe(before)
    expect(retractionMails(sighter)).toHaveLength(1)
    expect(retractionMails(assignee)).toHaveLength(1)
    expect(await retractionsOf(sighter)).toHaveLength(1)
  })
})

describe('the notice in the portal', () => {
  test('a sighting-only recipient’s notice links to the indicator, in every language', async () => {
    const [notice] = await retractionsOf(sighter)
    expect(notice?.task).toBeNull()
    expect(notice?.indicator).toMatchObject({ id })

    const html = await renderRoute(get('/notifications', sighter.client), notificationsPage)
    expect(html).toContain(`href="/indicators/${id}"`)
    expect(html).toContain('Indicator retracted by its source')
    expect(html).not.toContain('A task you no longer have access to')
    expectNoValue(html)
    const french = await renderRoute(get('/notifications', sighter.client), notificationsPage, { language: 'fr' })
    expect(french).toContain('Indicateur retiré par sa source')
    const russian = await renderRoute(get('/notifications', sighter.client), notificationsPage, { language: 'ru' })
    expect(russian).toContain('Индикатор отозван источником')
  })

  test('the task’s people keep their task link, with the indicator beside it', async () => {
    const [notice] = await retractionsOf(assignee)
    expect(notice?.task).toMatchObject({ id: taskId, title: taskTitle })
    const html = await renderRoute(get('/notifications', assignee.client), notificationsPage)
    expect(html).toContain(`href="/tasks/${taskId}"`)
    expect(html).toContain(`href="/indicators/${id}"`)
  })

  test('a person who can no longer see the indicator gets no link to it', async () => {
    // The statement is relabelled RED without naming anyone (as if the source's label were raised):
    // nobody but the source may see it now, and the notice must not point at it any more.
    const updated = await collection('indicatorsubmissions').updateOne({ indicatorId: id }, { $set: { tlp: 'RED' } })
    expect(updated.modifiedCount).toBe(1)

    const [notice] = await retractionsOf(sighter)
    expect(notice?.indicator).toBeNull()
    expect(notice?.task).toBeNull()
    const html = await renderRoute(get('/notifications', sighter.client), notificationsPage)
    expect(html).not.toContain(`/indicators/${id}`)
    expect(html).toContain('An indicator you no longer have access to')
    expect(html).not.toContain(source.organisation.legalName)
    expectNoValue(html)
  })
})
