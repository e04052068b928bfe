import { loadViewer } from '~/auth/guards.server'
import {
  addStatusUpdate,
  changeInitiativeStatus,
  createInitiative,
  inviteParticipants,
  loadInitiative,
  respondToInvitation,
  setMilestoneDone,
} from '~/initiatives/initiatives.server'
import type { ActionType, TaskPriority } from '~/domain/vocabulary'
import type { Viewer } from '~/policy/permissions'
import { addComment, createTasks, submitReport, transitionTask, type ReportedAction } from '~/tasks/tasks.server'

const DAY = 24 * 60 * 60 * 1000

type Step =
  | { do: 'acknowledge' | 'start' | 'verify' | 'close' | 'cancel' }
  | { do: 'decline' | 'notApplicable' | 'return'; reason: string }
  | { do: 'report'; actions: { type: ActionType; quantity: number; reference?: string; matchReasonCode?: '13' | '03'; note?: string }[] }
  | { do: 'comment'; body: string; visibility: 'shared' | 'internal'; by: 'centre' | 'partner' }

export type InitiativeKey = 'bright' | 'wallets' | 'hosting' | 'handles'

type SeedTask = {
  initiative?: InitiativeKey
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
    initiative: 'bright',
    title: 'Resolve the acquirer behind merchant descriptor BRIGHTMEDIA*SVC',
    description: 'Test purchase on 12 November, EUR 49.90, card ending 4417. Please resolve the acquiring bank and send it a compliance notice.',
    partner: 'orbis',
    priority: 'high',
    dueInDays: 5,
    steps: [{ do: 'acknowledge' }, { do: 'start' }, { do: 'report', actions: [{ type: 'notice_sent', quantity: 1, reference: 'ORB-CN-2026-0412' }] }, { do: 'verify' }, { do: 'close' }],
  },
  {
    initiative: 'bright',
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
    initiative: 'bright',
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
    initiative: 'wallets',
    title: 'Screen wallets published on the storefront checkout',
    description: 'Three BTC and one USDT (TRON) address appear on the checkout page. Please screen them against your customer base.',
    partner: 'keystone',
    priority: 'normal',
    dueInDays: 8,
    steps: [{ do: 'acknowledge' }, { do: 'start' }],
  },
  {
    initiative: 'bright',
    title: 'Block the storefront mirror URLs',
    description: 'Seven mirror URLs confirmed by the hotline. Apply the national blocking list update.',
    partner: 'nordlink',
    priority: 'high',
    dueInDays: 4,
    steps: [{ do: 'acknowledge' }],
  },
  {
    initiative: 'bright',
    title: 'File a suspicious-transaction report on the linked payout accounts',
    description: 'Payouts from the terminated merchant went to two accounts at your bank. Please review and file an STR if warranted.',
    partner: 'meridian',
    priority: 'high',
    dueInDays: -3,
    steps: [],
  },
  {
    initiative: 'bright',
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
    initiative: 'bright',
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
    initiative: 'bright',
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
  {
    initiative: 'wallets',
    title: 'Screen the wallet cluster 17 deposit addresses',
    description: 'Twelve deposit addresses attributed to the cluster. Screen them and report matches.',
    partner: 'keystone',
    priority: 'high',
    dueInDays: 3,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'wallet_screened_match', quantity: 3, reference: 'KS-SCR-118' }] }, { do: 'verify' }],
  },
  {
    initiative: 'wallets',
    title: 'Freeze the payouts to the matched wallets',
    description: 'Hold outgoing transfers to the three matched wallets pending review.',
    partner: 'swiftpurse',
    priority: 'urgent',
    dueInDays: 2,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'funds_frozen', quantity: 2, reference: 'SP-HOLD-77' }] }, { do: 'verify' }, { do: 'close' }],
  },
  {
    initiative: 'wallets',
    title: 'File an STR on the exchange on-ramp accounts',
    description: 'Two customer accounts funded the cluster through card top-ups.',
    partner: 'meridian',
    priority: 'normal',
    dueInDays: 9,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'str_filed', quantity: 2, reference: 'STR-GB-2026-5531' }] }, { do: 'verify' }],
  },
  {
    initiative: 'wallets',
    title: 'Check card top-ups from the cluster',
    description: 'Card top-ups to the exchange accounts linked to the cluster.',
    partner: 'rhone',
    priority: 'normal',
    dueInDays: 12,
    steps: [{ do: 'notApplicable', reason: 'No relationship found: none of the top-up cards were issued by us.' }],
  },
  {
    initiative: 'wallets',
    title: 'Confirm the scheme-level block of the merchant category',
    description: 'Confirm the block of the gambling-coded merchant used as a front.',
    partner: 'unity',
    priority: 'normal',
    dueInDays: 7,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'notice_sent', quantity: 1, reference: 'UPS-CN-0093' }] }, { do: 'verify' }],
  },
  {
    initiative: 'hosting',
    title: 'Remove the storefront pages from the hosting cluster',
    description: 'Pages reported by the hotline on the shared hosting cluster.',
    partner: 'cloudharbour',
    priority: 'high',
    dueInDays: -20,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'content_removed', quantity: 64, reference: 'CH-ABUSE-2291' }] }, { do: 'verify' }, { do: 'close' }],
  },
  {
    initiative: 'hosting',
    title: 'Block the remaining storefront URLs',
    description: 'URLs still reachable after the removals.',
    partner: 'alpine',
    priority: 'normal',
    dueInDays: -15,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'url_blocked', quantity: 41, reference: 'AT-BLK-3307' }] }, { do: 'verify' }, { do: 'close' }],
  },
  {
    initiative: 'hosting',
    title: 'Suspend the storefront domains',
    description: 'Domains registered through the reseller account.',
    partner: 'nordlink',
    priority: 'normal',
    dueInDays: -12,
    steps: [{ do: 'acknowledge' }, { do: 'report', actions: [{ type: 'domain_suspended', quantity: 9 }] }, { do: 'verify' }, { do: 'close' }],
  },
]

const initiativePlans: Record<
  InitiativeKey,
  {
    lead: string
    title: string
    purpose: string
    status: 'planned' | 'active' | 'completed'
    startInDays: number
    targetInDays: number
    objectives: { actionType: ActionType; target: number }[]
    milestones: { title: string; dueInDays: number; done?: boolean }[]
    participants: string[]
    updates: { text: string; health: 'on_track' | 'at_risk' | 'off_track' }[]
  }
> = {
  bright: {
    lead: 'staff@nl-centre.example',
    title: 'BRIGHTMEDIA storefront network: card payment disruption',
    purpose: 'Identify and cut the card acceptance of the BRIGHTMEDIA storefront network. Data shared here may be used only for this disruption and the related criminal investigation NL-2026-118.',
    status: 'active',
    startInDays: -10,
    targetInDays: 20,
    objectives: [
      { actionType: 'merchant_terminated', target: 6 },
      { actionType: 'notice_sent', target: 4 },
      { actionType: 'url_blocked', target: 50 },
    ],
    milestones: [
      { title: 'Acquirers identified for every descriptor', dueInDays: -3, done: true },
      { title: 'All merchant accounts terminated and listed', dueInDays: 10 },
      { title: 'Mirror network blocked in all partner networks', dueInDays: 18 },
    ],
    participants: ['orbis', 'unity', 'atlas', 'baltic', 'meridian', 'rhone', 'nordlink', 'cloudharbour'],
    updates: [
      { text: 'Card schemes resolved both descriptors within 48 hours; the first acquirer terminated two accounts.', health: 'on_track' },
      { text: 'One bank is overdue on the STR task and the accounts-actioned report came back incomplete.', health: 'at_risk' },
    ],
  },
  wallets: {
    lead: 'staff@fr-centre.example',
    title: 'Wallet cluster 17: crypto off-ramp screening',
    purpose: 'Screen and freeze the off-ramps of wallet cluster 17. Data may be used only to screen, freeze and report these wallets and their funding accounts.',
    status: 'active',
    startInDays: -20,
    targetInDays: 5,
    objectives: [
      { actionType: 'wallet_screened_match', target: 3 },
      { actionType: 'str_filed', target: 2 },
    ],
    milestones: [
      { title: 'Cluster addresses screened by the exchanges', dueInDays: -5, done: true },
      { title: 'Funds frozen and STRs filed', dueInDays: 4 },
    ],
    participants: ['keystone', 'swiftpurse', 'meridian', 'rhone', 'unity'],
    updates: [{ text: 'Matches confirmed and funds frozen; one scheme confirmation outstanding.', health: 'on_track' }],
  },
  hosting: {
    lead: 'staff@nl-centre.example',
    title: 'Summer hosting takedowns',
    purpose: 'Remove and block the storefront pages hosted in partner networks during the summer campaign. Data may be used only for these takedowns.',
    status: 'completed',
    startInDays: -60,
    targetInDays: -10,
    objectives: [{ actionType: 'content_removed', target: 60 }],
    milestones: [{ title: 'Hosting clusters cleaned', dueInDays: -20, done: true }],
    participants: ['cloudharbour', 'alpine', 'nordlink'],
    updates: [{ text: 'All pages removed, URLs blocked and domains suspended. Campaign closed.', health: 'on_track' }],
  },
  handles: {
    lead: 'staff@kz-centre.example',
    title: 'Peer-to-peer payment handles of the resale channels',
    purpose: 'Map and close the P2P payment handles advertised by the resale channels. Data may be used only for this mapping and the closures.',
    status: 'planned',
    startInDays: 7,
    targetInDays: 60,
    objectives: [{ actionType: 'accounts_actioned', target: 25 }],
    milestones: [{ title: 'Handles collected from the hotline reports', dueInDays: 14 }],
    participants: ['swiftpurse', 'keystone'],
    updates: [],
  },
}

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
    unity: 'admin@unity.example',
    baltic: 'admin@baltic.example',
    cloudharbour: 'admin@cloudharbour.example',
    swiftpurse: 'member@swiftpurse.example',
    alpine: 'admin@alpine.example',
  }
  const orgId = (key: string) => {
    const organisation = organisations.get(key)
    if (!organisation) throw new Error(`seed: no organisation ${key}`)
    return organisation.id
  }

  const initiatives = new Map<InitiativeKey, { id: string; lead: Viewer }>()
  for (const [key, plan] of Object.entries(initiativePlans) as [InitiativeKey, (typeof initiativePlans)[InitiativeKey]][]) {
    const lead = await viewerOf(plan.lead)
    const id = await createInitiative(lead, {
      title: plan.title,
      purpose: plan.purpose,
      status: 'active',
      startAt: new Date(Date.now() + plan.startInDays * DAY),
      targetAt: new Date(Date.now() + plan.targetInDays * DAY),
      objectives: plan.objectives,
      milestones: plan.milestones.map((m) => ({ title: m.title, dueAt: new Date(Date.now() + m.dueInDays * DAY) })),
    })
    await inviteParticipants(lead, id, plan.participants.map(orgId))
    for (const participant of plan.participants) {
      const actor = partnerActor[participant]
      if (actor) await respondToInvitation(await viewerOf(actor), id, true)
    }
    initiatives.set(key, { id, lead })
  }

  let count = 0
  const taskIds = new Map<string, string>()
  for (const task of seedTasks) {
    const initiative = task.initiative ? initiatives.get(task.initiative) : undefined
    const owner = initiative?.lead ?? staff
    const { ids } = await createTasks(owner, {
      title: task.title,
      description: task.description,
      assigneeOrganisationIds: [orgId(task.partner)],
      priority: task.priority,
      dueAt: new Date(Date.now() + task.dueInDays * DAY),
      tlp: 'AMBER',
      draft: task.draft ?? false,
      initiativeId: initiative?.id,
    })
    const id = ids[0] as string
    taskIds.set(task.title, id)
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
          await transitionTask(owner, id, step.do, { reason: 'reason' in step ? step.reason : undefined })
          break
        case 'report': {
          const actions: ReportedAction[] = step.actions.map((action) => ({ ...action, actionDate: new Date(Date.now() - DAY) }))
          await submitReport(partner as Viewer, id, actions)
          break
        }
        case 'comment':
          await addComment(step.by === 'centre' ? owner : (partner as Viewer), id, { body: step.body, visibility: step.visibility })
          break
      }
    }
    count++
  }

  // Status updates and milestones once the work is in; the completed campaign is closed last.
  for (const [key, plan] of Object.entries(initiativePlans) as [InitiativeKey, (typeof initiativePlans)[InitiativeKey]][]) {
    const initiative = initiatives.get(key)
    if (!initiative) continue
    for (const update of plan.updates) await addStatusUpdate(initiative.lead, initiative.id, update)
    const { initiative: stored } = await loadInitiative(initiative.lead, initiative.id)
    for (const milestone of stored.milestones) {
      if (plan.milestones.find((m) => m.title === milestone.title)?.done) {
        await setMilestoneDone(initiative.lead, initiative.id, String(milestone._id), true)
      }
    }
    if (plan.status !== 'active') await changeInitiativeStatus(initiative.lead, initiative.id, plan.status)
  }
  return { count, initiatives: new Map([...initiatives].map(([key, { id }]) => [key, id])), tasks: taskIds, viewerOf }
}

export type SeededTasks = Awaited<ReturnType<typeof seedDemoTasks>>
