import { ApiKey } from '../auth/api-key.entity.js';
import { Client } from '../clients/client.entity.js';
import { Contact } from '../clients/contact.entity.js';
import { Feedback } from '../clients/feedback.entity.js';
import { Interaction } from '../clients/interaction.entity.js';
import { SupplyChainLink } from '../clients/supply-chain-link.entity.js';
import { OutboxDeadLetter } from '../events/dead-letter.entity.js';
import { OutboxConsumer } from '../events/outbox-consumer.entity.js';
import { OutboxEvent } from '../events/outbox.entity.js';
import { AmlWatchEntry, LoanPrimeRate } from '../financing/compliance.entity.js';
import { CreditLine, CreditLineChange } from '../financing/credit-line.entity.js';
import { BucketChange, Financing, FinancingTransition, Receivable, Repayment, ScheduleInstalment } from '../financing/financing.entity.js';
import { LedgerEntry } from '../financing/ledger-entry.entity.js';
import { LogisticsPartner } from '../logistics/partner.entity.js';
import { Shipment, TrackingEventRecord } from '../logistics/shipment.entity.js';
import { WebhookInbox } from '../logistics/webhook-inbox.entity.js';
import { Alert } from '../risk/alert.entity.js';
import { RiskAssessment } from '../risk/risk-assessment.entity.js';
import { RiskReview } from '../risk/risk-review.entity.js';
import { FinancialStatement } from '../risk/statement.entity.js';

/** Every entity; explicit, so that start-up needs no file globbing. */
export const ENTITIES = [ApiKey, OutboxEvent, Client, SupplyChainLink, Contact, Interaction, Feedback,
  CreditLine, CreditLineChange, Financing, Receivable, FinancingTransition, ScheduleInstalment, Repayment, BucketChange, LedgerEntry,
  LoanPrimeRate, AmlWatchEntry,
  LogisticsPartner, Shipment, TrackingEventRecord, WebhookInbox,
  FinancialStatement, RiskAssessment, OutboxConsumer, Alert, OutboxDeadLetter, RiskReview,
];
