import type { EntityManager } from '@mikro-orm/postgresql';
import { Client } from './client.entity.js';
import { ClientKind, ClientStatus, ROLE_KIND, type SupplyChainRole } from './client.enums.js';
import { ClientChange, recordClientChange } from './client.events.js';
import { mapUniqueViolation } from './client.validation.js';
import { idArg } from '../core/text.js';
import { SupplyChainLink } from './supply-chain-link.entity.js';
import { badInput, conflict, notFound } from '../core/errors.js';

export interface LinkSpec {
  coreEnterpriseId: string;
  counterpartyId: string;
  role: SupplyChainRole;
}

const LINK_CONSTRAINT = 'supply_chain_link_uidx';

const duplicateLink = (spec: LinkSpec) =>
  conflict(`input.counterpartyId: already linked to this core enterprise as ${spec.role}`, 'input.counterpartyId');

export class SupplyChainService {
  constructor(private readonly em: EntityManager) {}

  /**
   * Links a core enterprise to a supplier, distributor or logistics provider. Refuses what
   * makes no sense: a core that is not a CORE_ENTERPRISE, a counterparty whose kind does not
   * match the role, a client linked to itself, a terminated client, a duplicate.
   */
  async link(spec: LinkSpec): Promise<SupplyChainLink> {
    const coreId = idArg('input.coreEnterpriseId', spec.coreEnterpriseId);
    const counterpartyId = idArg('input.counterpartyId', spec.counterpartyId);
    if (coreId === counterpartyId) throw badInput('input.counterpartyId', 'a client cannot be linked to itself');
    return mapUniqueViolation(
      () =>
        this.em.transactional(async (tem) => {
          const clients = await tem.find(Client, { id: { $in: [coreId, counterpartyId] } });
          const core = clients.find((c) => c.id === coreId);
          const counterparty = clients.find((c) => c.id === counterpartyId);
          if (!core) throw notFound('Client', coreId);
          if (!counterparty) throw notFound('Client', counterpartyId);
          if (core.kind !== ClientKind.CORE_ENTERPRISE) {
            throw badInput('input.coreEnterpriseId', `must be a CORE_ENTERPRISE; ${core.name} is a ${core.kind}`);
          }
          const kind = ROLE_KIND[spec.role];
          if (counterparty.kind !== kind) {
            throw badInput('input.counterpartyId', `a ${spec.role} link needs a ${kind} counterparty; ${counterparty.name} is a ${counterparty.kind}`);
          }
          for (const [field, c] of [['input.coreEnterpriseId', core], ['input.counterpartyId', counterparty]] as const) {
            if (c.status === ClientStatus.TERMINATED) throw conflict(`${field}: ${c.name} is TERMINATED`, field);
          }
          const existing = await tem.count(SupplyChainLink, { coreEnterprise: coreId, counterparty: counterpartyId, role: spec.role });
          if (existing) throw duplicateLink(spec);
          const link = tem.create(SupplyChainLink, { coreEnterprise: core, counterparty, role: spec.role });
          // A link changes both sides: subscribers of either client hear of it.
          recordClientChange(tem, { clientId: core.id, change: ClientChange.LINKED, subjectId: link.id });
          recordClientChange(tem, { clientId: counterparty.id, change: ClientChange.LINKED, subjectId: link.id });
          return link;
        }),
      LINK_CONSTRAINT,
      () => duplicateLink(spec),
    );
  }

  /** Removes a link; NOT_FOUND when there is none. Returns what was removed. */
  async unlink(spec: LinkSpec): Promise<SupplyChainLink> {
    const coreId = idArg('input.coreEnterpriseId', spec.coreEnterpriseId);
    const counterpartyId = idArg('input.counterpartyId', spec.counterpartyId);
    return this.em.transactional(async (tem) => {
      const link = await tem.findOne(SupplyChainLink, { coreEnterprise: coreId, counterparty: counterpartyId, role: spec.role });
      if (!link) throw notFound(`${spec.role} link`, `${coreId} → ${counterpartyId}`);
      tem.remove(link);
      recordClientChange(tem, { clientId: coreId, change: ClientChange.UNLINKED, subjectId: link.id });
      recordClientChange(tem, { clientId: counterpartyId, change: ClientChange.UNLINKED, subjectId: link.id });
      return link;
    });
  }
}
