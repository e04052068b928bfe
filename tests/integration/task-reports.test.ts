import { describe, expect, test } from 'vitest'
import { reportedAction, submitReport, TaskError, transitionTask } from '~/tasks/tasks.server'
import {
  CARD_NUMBER,
  centreAndPartner,
  createTask,
  daysAgo,
  postTask,
  refusal,
  storedReports,
  storedTask,
  taskPage,
} from './task-detail-support'

type Fields = Record<string, string>

/** A task the partner has acknowledged, ready for a report. */
async function acknowledgedTask() {
  const parties = await centreAndPartner()
  const id = await createTask(parties.centre, parties.partner.organisation.id)
  await transitionTask(parties.partner.viewer, id, 'acknowledge')
  return { ...parties, id }
}

const row = (index: number, fields: Fields): Fields => Object.fromEntries(Object.entries(fields).map(([key, value]) => [`actions.${index}.${key}`, value]))
const emptyRow = (index: number) => row(index, { type: '', quantity: '', actionDate: '', reference: '', matchReasonCode: '', note: '' })

describe('reporting actions', () => {
  test('versions: a correction supersedes the earlier report, which stays readable; verify marks the current one', async () => {
    const { centre, partner, id } = await acknowledgedTask()

    const first = await postTask(partner.client, id, {
      intent: 'report',
      ...row(0, { type: 'merchant_investigated', quantity: '1', actionDate: daysAgo(3), reference: 'CASE-1', matchReasonCode: '', note: '' }),
      ...emptyRow(1),
      ...row(2, { type: 'str_filed', quantity: '1', actionDate: daysAgo(2), reference: 'STR-2024-88', matchReasonCode: '', note: 'Filed with the FIU.' }),
    })
    expect(first).toMatchObject({ status: 302, location: `/tasks/${id}` })
    expect(await storedTask(id)).toMatchObject({ status: 'reported' })
    const [v1] = await storedReports(id)
    expect(v1).toMatchObject({ version: 1, status: 'current', verification: 'pending' })
    // Only the filled rows count.
    expect(v1?.actions.map((action: { type: string }) => action.type)).toEqual(['merchant_investigated', 'str_filed'])

    // Returning needs a comment; with one, the current report is marked returned.
    const bare = await postTask(centre.client, id, { intent: 'transition', transition: 'return', reason: '' })
    expect(bare.status).toBe(400)
    expect(await storedTask(id)).toMatchObject({ status: 'reported' })
    expect((await postTask(centre.client, id, { intent: 'transition', transition: 'return', reason: 'Was the merchant terminated?' })).status).toBe(302)
    expect(await storedTask(id)).toMatchObject({ status: 'returned' })
    expect((await storedReports(id))[0]).toMatchObject({ version: 1, status: 'current', verification: 'returned' })

    const partnerView = await taskPage(partner.client, id)
    expect(partnerView.task.canReport).toBe(true)
    expect(partnerView.task.timeline.at(-1)).toMatchObject({ transition: 'return', reason: 'Was the merchant terminated?', actorSide: 'centre' })

    const second = await postTask(partner.client, id, {
      intent: 'report',
      ...row(0, { type: 'merchant_terminated', quantity: '1', actionDate: daysAgo(1), reference: 'CASE-1', matchReasonCode: '13', note: '' }),
    })
    expect(second.status).toBe(302)
    const [old, current] = await storedReports(id)
    expect(old).toMatchObject({ version: 1, status: 'superseded', verification: 'returned' })
    expect(current).toMatchObject({ version: 2, status: 'current', verification: 'pending' })

    expect((await postTask(centre.client, id, { intent: 'transition', transition: 'verify' })).status).toBe(302)
    const [stillOld, verified] = await storedReports(id)
    expect(stillOld).toMatchObject({ status: 'superseded', verification: 'returned' })
    expect(verified).toMatchObject({ status: 'current', verification: 'verified' })
    expect(verified?.verifiedAt).toBeInstanceOf(Date)

    // Both sides read the whole history; the superseded version is marked, its actions intact.
    for (const viewer of [partner, centre]) {
      const { task } = await taskPage(viewer.client, id)
      expect(task.reports.map((report) => [report.version, report.status, report.verification])).toEqual([
        [1, 'superseded', 'returned'],
        [2, 'current', 'verified'],
      ])
      expect(task.reports[0]?.actions.map((action) => action.reference)).toEqual(['CASE-1', 'STR-2024-88'])
      expect(task.reports[0]?.submittedByName).toBe(partner.user.name)
      expect(task.timeline.filter((item) => item.transition === 'report').map((item) => item.reportVersion)).toEqual([1, 2])
    }
  })

  test('a MATCH reason code goes only with a merchant termination', async () => {
    const { partner, id } = await acknowledgedTask()
    const result = await postTask(partner.client, id, {
      intent: 'report',
      ...row(0, { type: 'account_closed', quantity: '1', actionDate: daysAgo(1), matchReasonCode: '13' }),
    })
    expect(result.status).toBe(400)
    expect(refusal(result).errors).toEqual({ 'actions.0.matchReasonCode': ['matchOnlyForTermination'] })
    expect(refusal(result).values).toMatchObject({ 'actions.0.type': 'account_closed', 'actions.0.matchReasonCode': '13' })
    const unknownCode = await postTask(partner.client, id, {
      intent: 'report',
      ...row(0, { type: 'merchant_terminated', quantity: '1', actionDate: daysAgo(1), matchReasonCode: '15' }),
    })
    expect(unknownCode.status).toBe(400)
    expect(Object.keys(refusal(unknownCode).errors)).toEqual(['actions.0.matchReasonCode'])
    expect(reportedAction.safeParse({ type: 'url_blocked', quantity: 1, actionDate: new Date(), matchReasonCode: '03' }).success).toBe(false)
    expect(reportedAction.safeParse({ type: 'merchant_terminated', quantity: 1, actionDate: new Date(), matchReasonCode: '03' }).success).toBe(true)
    expect(await storedReports(id)).toEqual([])
    expect(await storedTask(id)).toMatchObject({ status: 'acknowledged' })
  })

  test('quantities are whole numbers from 1; the type, the quantity and the date are required; no future dates', async () => {
    const { partner, id } = await acknowledgedTask()
    for (const quantity of ['0', '-2', '1.5', 'many', '1000001']) {
      const result = await postTask(partner.client, id, { intent: 'report', ...row(0, { type: 'url_blocked', quantity, actionDate: daysAgo(1) }) })
      expect(result.status, quantity).toBe(400)
      expect(refusal(result).errors, quantity).toEqual({ 'actions.0.quantity': ['invalid'] })
      expect(refusal(result).values['actions.0.quantity']).toBe(quantity)
    }
    const missing = await postTask(partner.client, id, { intent: 'report', ...row(1, { type: '', quantity: '4', actionDate: '', note: 'Blocked at the resolver' }) })
    expect(missing.status).toBe(400)
    expect(refusal(missing).errors).toEqual({ 'actions.1.type': ['required'], 'actions.1.actionDate': ['required'] })

    const future = new Date(Date.now() + 3 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10)
    const ahead = await postTask(partner.client, id, { intent: 'report', ...row(0, { type: 'url_blocked', quantity: '2', actionDate: future }) })
    expect(ahead.status).toBe(400)
    expect(refusal(ahead).errors).toEqual({ 'actions.0.actionDate': ['future'] })

    const nothing = await postTask(partner.client, id, { intent: 'report', ...emptyRow(0), ...emptyRow(1), ...emptyRow(2) })
    expect(nothing.status).toBe(400)
    expect(refusal(nothing).errors).toEqual({ actions: ['noActions'] })
    expect(await storedReports(id)).toEqual([])

    await expect(submitReport(partner.viewer, id, [])).rejects.toBeInstanceOf(TaskError)
  })

  test('card numbers are refused in references and notes, and nothing is stored', async () => {
    const { partner, id } = await acknowledgedTask()
    for (const field of ['reference', 'note']) {
      const result = await postTask(partner.client, id, {
        intent: 'report',
        ...row(0, { type: 'account_closed', quantity: '1', actionDate: daysAgo(1), [field]: `Card ${CARD_NUMBER}` }),
      })
      expect(result.status, field).toBe(400)
      expect(refusal(result).errors).toEqual({ [`actions.0.${field}`]: ['cardNumber'] })
    }
    // The last four digits are fine.
    const lastFour = await postTask(partner.client, id, {
      intent: 'report',
      ...row(0, { type: 'account_closed', quantity: '1', actionDate: daysAgo(1), reference: 'Card ending 1111' }),
    })
    expect(lastFour.status).toBe(302)
    const reports = await storedReports(id)
    expect(reports).toHaveLength(1)
    expect(JSON.stringify(reports)).not.toContain('4111111111111111')
  })

  test('only the assigned organisation reports, and only when the state allows it', async () => {
    const { centre, partner } = await centreAndPartner()
    const id = await createTask(centre, partner.organisation.id)
    const action = row(0, { type: 'url_blocked', quantity: '1', actionDate: daysAgo(1) })
    // Not yet acknowledged: the lifecycle does not allow a report from `assigned`.
    const early = await postTask(partner.client, id, { intent: 'report', ...action })
    expect(early.status).toBe(409)
    expect(refusal(early).message).toContain('“Assigned”')
    expect((await taskPage(partner.client, id)).task.canReport).toBe(false)

    await transitionTask(partner.viewer, id, 'acknowledge')
    expect((await taskPage(partner.client, id)).task.canReport).toBe(true)
    expect((await taskPage(centre.client, id)).task.canReport).toBe(false)
    expect((await postTask(centre.client, id, { intent: 'report', ...action })).status).toBe(403)
    expect(await storedReports(id)).toEqual([])
  })
})
