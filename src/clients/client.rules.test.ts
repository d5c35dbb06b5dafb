import { parse, type FragmentDefinitionNode, type GraphQLResolveInfo, type OperationDefinitionNode, type FieldNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { Client } from './client.entity.js';
import { ClientStatus } from './client.enums.js';
import { CLIENT_CHANGED, ClientChange, parseClientChangedPayload } from './client.events.js';
import { assertStatusTransition, escapeLike } from './client.service.js';
import { normaliseUscc } from './client.validation.js';
import { idArg } from '../core/text.js';
import { selectsField } from '../graphql/selection.js';
import { DomainError } from '../core/errors.js';

function clientIn(status: ClientStatus): Client {
  const c = new Client();
  c.status = status;
  return c;
}

function caught(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a DomainError');
}

describe('assertStatusTransition', () => {
  it('allows the moves of CLIENT_STATUS_TRANSITIONS and staying put', () => {
    expect(() => assertStatusTransition(clientIn(ClientStatus.PROSPECT), ClientStatus.ACTIVE, 'input.status')).not.toThrow();
    expect(() => assertStatusTransition(clientIn(ClientStatus.SUSPENDED), ClientStatus.WATCHLIST, 'input.status')).not.toThrow();
    expect(() => assertStatusTransition(clientIn(ClientStatus.TERMINATED), ClientStatus.TERMINATED, 'input.status')).not.toThrow();
  });

  it('refuses other moves as CONFLICT naming the current status and the allowed ones', () => {
    const err = caught(() => assertStatusTransition(clientIn(ClientStatus.PROSPECT), ClientStatus.WATCHLIST, 'input.status'));
    expect(err.code).toBe('CONFLICT');
    expect(err.field).toBe('input.status');
    expect(err.message).toBe('input.status: client is PROSPECT, cannot become WATCHLIST; it may move to ACTIVE, TERMINATED');
    expect(err.details).toEqual({ current: 'PROSPECT', allowed: ['ACTIVE', 'TERMINATED'] });
  });

  it('says that TERMINATED is final', () => {
    const err = caught(() => assertStatusTransition(clientIn(ClientStatus.TERMINATED), ClientStatus.ACTIVE, 'input.status'));
    expect(err.message).toMatch(/that status is final/);
  });
});

describe('escapeLike', () => {
  it('makes %, _ and backslash literal', () => {
    expect(escapeLike('100%_a\\b')).toBe('100\\%\\_a\\\\b');
    expect(escapeLike('plain')).toBe('plain');
  });
});

describe('normaliseUscc', () => {
  it('trims and upper-cases before checking', () => {
    expect(normaliseUscc('f', '  91310000ma1fl1mmxl ')).toBe('91310000MA1FL1MMXL');
  });

  it('names the field and the rule it breaks', () => {
    const err = caught(() => normaliseUscc('input.unifiedSocialCreditCode', '91310000MA1FL1MMX0'));
    expect(err).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.unifiedSocialCreditCode', details: { rule: 'check' } });
  });
});

describe('idArg', () => {
  it('accepts a UUID in any case and refuses anything else', () => {
    expect(idArg('id', 'A3BB189E-8BF9-3888-9912-ACE4E6543002')).toBe('a3bb189e-8bf9-3888-9912-ace4e6543002');
    expect(caught(() => idArg('input.clientId', '42'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.clientId' });
  });
});

describe('parseClientChangedPayload', () => {
  it('reads what recordClientChange wrote', () => {
    expect(parseClientChangedPayload({ topic: CLIENT_CHANGED, payload: { clientId: 'x', change: 'STATUS_CHANGED', fields: ['status'], subjectId: 's' } })).toEqual({
      change: ClientChange.STATUS_CHANGED,
      fields: ['status'],
      subjectId: 's',
      reason: null,
    });
  });

  it('refuses to read an event of another topic as a client change', () => {
    expect(() => parseClientChangedPayload({ topic: 'shipment.updated', payload: {} })).toThrow(/shipment.updated event read as client.changed/);
  });

  it('falls back to UPDATED for an unknown change and ignores junk fields', () => {
    expect(parseClientChangedPayload({ topic: CLIENT_CHANGED, payload: { change: 'EXPLODED', fields: [1, 'name'] } })).toEqual({
      change: ClientChange.UPDATED,
      fields: ['name'],
      subjectId: null,
      reason: null,
    });
  });
});

describe('selectsField', () => {
  function infoFor(query: string): GraphQLResolveInfo {
    const doc = parse(query);
    const op = doc.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
    const field = op.selectionSet.selections[0] as FieldNode;
    const fragments = Object.fromEntries(
      doc.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((f) => [f.name.value, f]),
    );
    return { fieldNodes: [field], fragments } as unknown as GraphQLResolveInfo;
  }

  it('finds a field selected directly, in an inline fragment or in a named one', () => {
    expect(selectsField(infoFor('{ clients { totalCount } }'), 'totalCount')).toBe(true);
    expect(selectsField(infoFor('{ clients { ... on ClientConnection { totalCount } } }'), 'totalCount')).toBe(true);
    expect(selectsField(infoFor('{ clients { ...F } } fragment F on ClientConnection { totalCount }'), 'totalCount')).toBe(true);
  });

  it('does not look into nested selections', () => {
    expect(selectsField(infoFor('{ clients { edges { node { interactions { totalCount } } } } }'), 'totalCount')).toBe(false);
  });
});
