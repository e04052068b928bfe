import { loadViewer } from '~/auth/guards.server'
import type { ActionType, TaskPriority } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'
import { addComment, createTasks, submitReport, transitionTask, type ReportedAction } from '~/tasks/tasks.server'

const DAY = 24 * 60 * 60 * 1000

type Step =
  | { do: 'acknowledge' | 'start' | 'verify' | 'close' | 'cancel' }
  | { do: 'decline' | 'notApplicable' | 'return'; reason: string }
  | { do: 'report'; actions: { type: ActionType; quantity: number; reference?: string; matchReasonCode?: '13' | '03'; note?: string }[] }
  | { do: 'comment'; body: string; visibility: 'shared' | 'internal'; by: 'centre' | 'partner' }

type SeedTask = {
  title: string
  description: string
  partner: string
  priority: TaskPriority
  dueInDays: number
  draft?: boolean
  steps: Step[]
}

/** A realistic week of the coordination loop, with tasks in every state. */
const seedTasks: SeedTask[] = [
  {
    title: 'Resolve the acquirer behind merchant descriptor BRIGHTMEDIA*SVC',
    description: 'Test purchase on 12 November, EUR 49.90, card ending 4417. Please resolve the acquiring bank and send it a compliance notice.',
    partner: 'orbis',
    priority: 'high',
    dueInDays: 5,
    steps: [{ do: 'acknowledge' }, { do: 'start' }, { do: 'report', actions: [{ type: 'notice_sent', quantity: 1, reference: 'ORB-CN-2026-0412' }] }, { do: 'verify' }, { do: 'close' }],
  },
  {
    title: 'Investigate and terminate merchant BRIGHTMEDIA*SVC',
    description: 'The card scheme resolved the merchant to your acquiring portfolio (compliance notice ORB-CN-2026-0412). Investigate, terminate and list in MATCH if confirmed.',
    partner: 'atlas',
    priority: 'urgent',
    dueInDays: 2,
    steps: [
      { do: 'acknowledge' },
      { do: 'comment', by: 'partner', visibility: 'shared', body: 'Two merchant accounts share the descriptor; both under review.' },
      { do: 'comment', by: 'centre', visibility: 'internal', body: 'Linked to the mirror network of case NL-2026-118; keep internal.' },
      { do: 'report', actions: [{ type: 'merchant_terminated', quantity: 2, matchReasonCode: '13', reference: 'ATL-TERM-8831' }] },
    ],
  },
  {
    title: 'Confirm the reserve held on the second merchant account',
    description: 'After the termination, confirm the amount of funds held in reserve.',
    partner: 'atlas',
    priority: 'normal',
    dueInDays: 6,
    steps: [
      { do: 'acknowledge' },
      { do: 'report', actions: [{ type: 'reserve_or_funds_held', quantity: 1, reference: 'ATL-RES-2207', note: 'Rolling reserve of 90 days.' }] },
      { do: 'verify' },
    ],
  },
  {
    title: 'Screen wallets published on the storefront checkout',
    description: 'Three BTC and one USDT (TRON) address appear on the checkout page. Please screen them against your customer base.',
    partner: 'keystone',
    priority: 'normal',
    dueInDays: 8,
    steps: [{ do: 'acknowledge' }, { do: 'start' }],
  },
  {
    title: 'Block the storefront mirror URLs',
    description: 'Seven mirror URLs confirmed by the hotline. Apply the national blocking list update.',
    partner: 'nordlink',
    priority: 'high',
    dueInDays: 4,
    steps: [{ do: 'acknowledge' }],
  },
  {
    title: 'File a suspicious-transaction report on the linked payout accounts',
    description: 'Payouts from the terminated merchant went to two accounts at your bank. Please review and file an STR if warranted.',
    partner: 'meridian',
    priority: 'high',
    dueInDays: -3,
    steps: [],
  },
  {
    title: 'Check for a relationship with the reseller PAYLINK EU',
    description: 'The reseller appears in the settlement chain. Do you hold an account for it?',
    partner: 'meridian',
    priority: 'normal',
    dueInDays: 10,
    steps: [{ do: 'notApplicable', reason: 'No relationship found: no account or merchant record under that name or registration number.' }],
  },
  {
    title: 'Confirm the card-not-present merchant category of the storefront',
    description: 'Report the MCC and the acquirer BIN used for the transactions of 12 November.',
    partner: 'rhone',
    priority: 'low',
    dueInDays: 20,
    steps: [{ do: 'decline', reason: 'The transactions were not processed by us; the BIN belongs to another issuer.' }],
  },
  {
    title: 'Report the accounts actioned after the October sweep',
    description: 'How many customer accounts were closed or restricted after the October review?',
    partner: 'orbis',
    priority: 'normal',
    dueInDays: -1,
    steps: [
      { do: 'acknowledge' },
      { do: 'report', actions: [{ type: 'accounts_actioned', quantity: 12, note: 'Preliminary figure.' }] },
      { do: 'return', reason: 'Please split the figure between closures and restrictions and add your case reference.' },
    ],
  },
  {
    title: 'Hotline intake: confirm reported payment pages',
    description: 'Confirm which of the reported pages still show a payment option.',
    partner: 'lumen',
    priority: 'normal',
    dueInDays: 1,
    steps: [],
  },
  {
    title: 'Remove the storefront images host',
    description: 'Superseded: the host was taken down by the registrar.',
    partner: 'cloudharbour',
    priority: 'normal',
    dueInDays: 6,
    steps: [{ do: 'cancel' }],
  },
  {
    title: 'Prepare: notify the e-wallet of the payment handles',
    description: 'Draft, to assign once the handles are confirmed.',
    partner: 'swiftpurse',
    priority: 'normal',
    dueInDays: 10,
    draft: true,
    steps: [],
  },
]

export async function seedDemoTasks({
  organisations,
  people,
}: {
  organisations: Map<string, { id: string }>
  people: Map<string, { id: string; organisationId: string }>
}) {
  const viewerOf = async (email: string): Promise<Viewer> => {
    const person = people.get(email)
    const viewer = person ? await loadViewer(person.id, person.organisationId) : null
    if (!viewer) throw new Error(`seed: no active person ${email}`)
    return viewer
  }
  const staff = await viewerOf('staff@nl-centre.example')
  const partnerActor: Record<string, string> = {
    orbis: 'member@orbis.example',
    atlas: 'member@atlas.example',
    keystone: 'member@keystone.example',
    nordlink: 'admin@nordlink.example',
    meridian: 'member@meridian.example',
    rhone: 'admin@rhone.example',
    lumen: 'admin@lumen.example',
  }
  let count = 0
  for (const task of seedTasks) {
    const organisation = organisations.get(task.partner)
    if (!organisation) throw new Error(`seed: no organisation ${task.partner}`)
    const { ids } = await createTasks(staff, {
      title: task.title,
      description: task.description,
      assigneeOrganisationIds: [organisation.id],
      priority: task.priority,
      dueAt: new Date(Date.now() + task.dueInDays * DAY),
      tlp: 'AMBER',
      draft: task.draft ?? false,
    })
    const id = ids[0] as string
    const partner = partnerActor[task.partner] ? await viewerOf(partnerActor[task.partner] as string) : null
    for (const step of task.steps) {
      switch (step.do) {
        case 'acknowledge':
        case 'start':
        case 'decline':
        case 'notApplicable':
          await transitionTask(partner as Viewer, id, step.do, { reason: 'reason' in step ? step.reason : undefined })
          break
        case 'verify':
        case 'close':
        case 'cancel':
        case 'return':
          await transitionTask(staff, id, step.do, { reason: 'reason' in step ? step.reason : undefined })
          break
        case 'report': {
          const actions: ReportedAction[] = step.actions.map((action) => ({ ...action, actionDate: new Date(Date.now() - DAY) }))
          await submitReport(partner as Viewer, id, actions)
          break
        }
        case 'comment':
          await addComment(step.by === 'centre' ? staff : (partner as Viewer), id, { body: step.body, visibility: step.visibility })
          break
      }
    }
    count++
  }
  return count
}
