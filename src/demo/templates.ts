import { ClientKind, ComplaintCategory, InteractionKind } from '../clients/client.enums.js';
import type { Prng } from './prng.js';

/**
 * Notes a relationship manager would write after routine contacts, by the client's role and the
 * kind of contact. Shared by the demo (for clients without a hand-written history) and the
 * synthetic portfolio.
 */
export interface NoteContext {
  /** The client's contact person (pinyin name). */
  contact: string;
  title: string;
  /** Short name of the core enterprise the client works with (itself, for a core). */
  core: string;
  city: string;
}

type Template = (c: NoteContext, rng: Prng) => string;
type Templates = Record<InteractionKind, readonly Template[]>;

const { MEETING, VISIT, CALL, ONLINE_SESSION, EMAIL } = InteractionKind;

const CORE_NOTES: Templates = {
  [MEETING]: [
    (c, r) =>
      `Quarterly review with ${c.contact} (${c.title}): programme utilisation at ${r.int(55, 92)}%, ${r.int(12, 160)} suppliers financed; agreed to onboard the next batch of tier-2 suppliers.`,
    (c, r) =>
      `Annual credit review with ${c.contact}; revenue ${r.pick(['up', 'flat', 'down'])} year on year, net gearing ${r.int(35, 75)}%. Limit renewal to go to the credit committee.`,
  ],
  [VISIT]: [
    (c, r) =>
      `Plant visit in ${c.city} with ${c.contact}: utilisation about ${r.int(60, 95)}%, finished-goods inventory at ${r.int(20, 60)} days.`,
    (c) => `Visited the ${c.city} headquarters to present the supplier-finance programme to the new procurement head.`,
  ],
  [CALL]: [
    (c) => `Call with ${c.contact} about payables confirmations running late at month end; the AP team will confirm in daily batches.`,
    (c) => `Call with ${c.contact} on the peak-season funding need and an interim increase of the programme limit.`,
  ],
  [ONLINE_SESSION]: [
    (c) => `Online session with ${c.contact}'s treasury team on the platform's payables-confirmation workflow and reports.`,
    (c) => `Online session on connecting their ERP to the platform's confirmation API; test environment credentials handed over.`,
  ],
  [EMAIL]: [
    (c) => `Sent ${c.contact} the monthly programme report: financed volume, average discount rate and supplier uptake.`,
    (c) => `Emailed ${c.contact} the draft amendment to the tripartite supplier-finance agreement.`,
  ],
};

const SUPPLIER_NOTES: Templates = {
  [MEETING]: [
    (c) =>
      `Met ${c.contact} (${c.title}) to review the receivables ${c.core} confirmed this quarter; asked to raise the factoring limit before the next delivery cycle.`,
    (c, r) =>
      `Annual review with ${c.contact}: ${c.core} is about ${r.int(25, 80)}% of sales; discussed customer concentration and second-source customers.`,
  ],
  [VISIT]: [
    (c, r) => `Visited the ${c.city} workshop: the order book from ${c.core} covers about ${r.int(2, 7)} months of capacity; no open quality claims.`,
    (c, r) =>
      `Site visit with ${c.contact}: a new production line is being commissioned, financed by own funds and a CNY ${r.int(10, 90)} m bank loan.`,
  ],
  [CALL]: [
    (c) => `Call with ${c.contact}: wants to discount invoices confirmed by ${c.core} early to pay for raw materials; quoted the current programme rate.`,
    (c) => `Call with ${c.contact} about an invoice rejected in ${c.core}'s confirmation workflow; sorted out with the buyer's AP team.`,
  ],
  [ONLINE_SESSION]: [
    (c) => `Online training for ${c.contact}'s finance team on submitting invoices and pulling ${c.core}'s confirmations from the platform.`,
    (c) => `Online session with ${c.contact} to set up the e-signature certificate for the assignment of receivables.`,
  ],
  [EMAIL]: [
    (c) => `Emailed ${c.contact} the invoices eligible for discounting this month and the settlement calendar.`,
    (c) => `Sent ${c.contact} the renewal documents for the factoring agreement under the ${c.core} programme.`,
  ],
};

const DISTRIBUTOR_NOTES: Templates = {
  [MEETING]: [
    (c) => `Met ${c.contact} (${c.title}) on prepayment financing for ${c.core} orders ahead of the peak season; discussed an indicative limit.`,
    (c, r) => `Quarterly review with ${c.contact}: sell-through of ${c.core} products at ${r.int(70, 115)}% of plan; inventory days under control.`,
  ],
  [VISIT]: [
    (c) => `Warehouse visit in ${c.city}: stock of ${c.core} products checked against the pledge list, no discrepancy.`,
    (c) => `Visited ${c.contact}'s flagship outlet in ${c.city}; walk-in sales down year on year, online orders up.`,
  ],
  [CALL]: [
    (c) => `Call with ${c.contact} on last quarter's sell-through; asked for a higher prepayment limit for the next ${c.core} order.`,
    (c) => `Call with ${c.contact} to confirm the repayment schedule of the current prepayment tranche.`,
  ],
  [ONLINE_SESSION]: [
    (c) => `Online session with ${c.contact}'s team on drawing prepayment tranches against ${c.core} purchase orders on the platform.`,
  ],
  [EMAIL]: [
    (c) => `Sent ${c.contact} the monthly inventory statement to reconcile with ${c.core}'s shipping records.`,
    (c) => `Emailed ${c.contact} the draft tripartite agreement with ${c.core} for the prepayment programme.`,
  ],
};

const LOGISTICS_NOTES: Templates = {
  [MEETING]: [
    (c) => `Reviewed the tracking integration with ${c.contact}: status updates for ${c.core} shipments will be pushed to the hub by webhook.`,
    (c) => `Met ${c.contact} on warehouse-receipt controls for goods pledged under inventory financing.`,
  ],
  [VISIT]: [(c) => `Visited the ${c.city} hub: checked custody procedures and camera coverage for pledged ${c.core} goods.`],
  [CALL]: [
    (c) => `Call with ${c.contact} about late status updates on ${c.core} shipments last week; the cause was a carrier API outage.`,
  ],
  [ONLINE_SESSION]: [(c) => `Online session testing the webhook push of tracking events with ${c.contact}'s IT team.`],
  [EMAIL]: [(c) => `Emailed ${c.contact} the draft service-level agreement for the custody of pledged goods.`],
};

const NOTES: Record<ClientKind, Templates> = {
  [ClientKind.CORE_ENTERPRISE]: CORE_NOTES,
  [ClientKind.SUPPLIER]: SUPPLIER_NOTES,
  [ClientKind.DISTRIBUTOR]: DISTRIBUTOR_NOTES,
  [ClientKind.LOGISTICS_PROVIDER]: LOGISTICS_NOTES,
};

export function interactionNote(kind: ClientKind, interaction: InteractionKind, ctx: NoteContext, rng: Prng): string {
  return rng.pick(NOTES[kind][interaction])(ctx, rng);
}

/** Contact kinds, weighted the way a desk's log tends to look. */
export const INTERACTION_KIND_WEIGHTS: readonly (readonly [InteractionKind, number])[] = [
  [CALL, 5],
  [EMAIL, 4],
  [MEETING, 3],
  [VISIT, 2],
  [ONLINE_SESSION, 2],
];

/** A survey comment fitting the score, or none. */
export function surveyComment(score: number, rng: Prng): string | null {
  if (rng.chance(0.35)) return null;
  if (score >= 9) return rng.pick(['Fast and reliable.', 'Very responsive relationship manager.', 'The platform saves our finance team days every month.']);
  if (score >= 7) return rng.pick(['Good service overall.', 'Rates are fair; the onboarding paperwork is heavy.', 'Happy with the programme.']);
  if (score >= 5) return rng.pick(['Approvals could be faster.', 'Pricing is not competitive.', 'We rarely hear from the bank.']);
  return rng.pick(['Limits cut without warning.', 'Disbursements are often late.', 'Considering moving to another bank.']);
}

export const COMPLAINTS: Record<ComplaintCategory, readonly string[]> = {
  [ComplaintCategory.APPROVAL_SPEED]: [
    'The financing request waited more than a week for approval.',
    'Limit renewal is stuck in credit review.',
  ],
  [ComplaintCategory.PRICING]: [
    'The discount rate is above what other banks quote for the same receivables.',
    'Handling fees were charged twice on one drawdown.',
  ],
  [ComplaintCategory.SERVICE]: [
    'The relationship manager did not return calls for a week.',
    'Nobody could explain why a payout was delayed.',
  ],
  [ComplaintCategory.PRODUCT]: [
    'The platform does not accept invoices with more than 100 lines.',
    'Partial repayment is not possible before maturity.',
  ],
  [ComplaintCategory.OTHER]: [
    'The e-invoice (fapiao) details were wrong and had to be re-issued.',
    'Statements arrive in a format our ERP cannot import.',
  ],
};

export const RESOLUTIONS: readonly string[] = [
  'Explained the terms and agreed a one-off fee waiver.',
  'Escalated to operations; the process was fixed and the client informed.',
  'Repriced at the next renewal; the client accepted.',
  'A backup relationship manager was assigned.',
  'Platform fix released; the client confirmed it works.',
];
