import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { normaliseUscc } from '../clients/client.validation.js';
import { optionalText } from '../core/text.js';
import { badInput, conflict } from '../core/errors.js';
import { AmlWatchEntry, LoanPrimeRate } from './compliance.entity.js';
import type { AddAmlWatchEntryInput, AddLoanPrimeRateInput } from './financing.inputs.js';
import { dateArg } from './money.js';
import { type Actor } from '../core/actor.js';

export class ComplianceService {
  constructor(private readonly em: EntityManager) {}

  async addLoanPrimeRate(input: AddLoanPrimeRateInput): Promise<LoanPrimeRate> {
    const effectiveDate = dateArg('input.effectiveDate', input.effectiveDate);
    const rate: Decimal = input.rate;
    if (rate.lessThanOrEqualTo(0) || rate.greaterThanOrEqualTo(1)) throw badInput('input.rate', 'must be a yearly fraction above 0 and below 1 ("0.03" is 3%)');
    if (rate.decimalPlaces() > 6) throw badInput('input.rate', 'must have at most six decimals');
    return this.em.transactional(async (tem) => {
      const existing = await tem.findOne(LoanPrimeRate, { effectiveDate });
      if (existing) throw conflict(`input.effectiveDate: an LPR effective ${effectiveDate} is already on file (${existing.rate})`, 'input.effectiveDate');
      return tem.create(LoanPrimeRate, { effectiveDate, rate: rate.toFixed() });
    });
  }

  listLoanPrimeRates(): Promise<LoanPrimeRate[]> {
    return this.em.find(LoanPrimeRate, {}, { orderBy: { effectiveDate: 'desc' } });
  }

  async addAmlWatchEntry(input: AddAmlWatchEntryInput, actor: Actor): Promise<AmlWatchEntry> {
    const name = optionalText('input.name', input.name, 200);
    const code = input.unifiedSocialCreditCode?.trim() ? normaliseUscc('input.unifiedSocialCreditCode', input.unifiedSocialCreditCode) : null;
    if (!name && !code) throw badInput('input.name', 'give a name, a unified social credit code, or both');
    const reason = optionalText('input.reason', input.reason, 500);
    return this.em.transactional(async (tem) => tem.create(AmlWatchEntry, { name, unifiedSocialCreditCode: code, reason, addedBy: actor.name }));
  }

  listAmlWatchEntries(): Promise<AmlWatchEntry[]> {
    return this.em.find(AmlWatchEntry, {}, { orderBy: { createdAt: 'desc', id: 'asc' } });
  }
}
