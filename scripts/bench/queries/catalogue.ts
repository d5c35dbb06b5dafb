/**
 * The dashboard queries `npm run bench:queries` runs against the hub, PostGraphile on the same
 * tables, and the single-SQL floor (scripts/bench/anchors/floor.server.mjs, by name). Each asks
 * all three for the same rows and fields in the same order; `keys` reads, from each answer, what
 * the bench compares before it measures (so that no server is timed on a different answer).
 */
export interface BenchQuery {
  name: string;
  hub: string;
  postgraphile: string;
  /** The identities of the page's rows, in order, from each server's answer. */
  keys: { hub: (data: any) => string[]; postgraphile: (data: any) => string[]; floor: (data: any) => string[] };
}

const SUPPLIERS_HUB = 'filter: { kinds: [SUPPLIER], industries: [AUTOMOTIVE], statuses: [ACTIVE] }, orderBy: { field: CREATED_AT, direction: DESC }';
const SUPPLIERS_PGL = 'condition: { kind: "SUPPLIER", industry: "AUTOMOTIVE", status: "ACTIVE" }, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC]';

const edgesOf = (conn: any, field: string) => (conn?.edges ?? []).map((e: any) => String(e.node[field]));
const nodesOf = (conn: any, field: string) => (conn?.nodes ?? []).map((n: any) => String(n[field]));

export const QUERIES: BenchQuery[] = [
  {
    // The README's dashboard page. PostGraphile has no satisfaction average: it reads the survey
    // rows the hub averages; its chain is the links with their core (the hub's is distinct cores).
    name: 'readme-dashboard',
    hub: `query($first: Int!) { clients(${SUPPLIERS_HUB}, first: $first) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node {
        name creditRating relationshipManager lastContactAt
        coreEnterprises { name }
        contacts { name title phone }
        interactions(first: 3) { totalCount edges { node { kind occurredAt summary followUpDueAt } } }
        satisfaction { surveys averageScore }
      } } } }`,
    postgraphile: `query($first: Int!) { allClients(${SUPPLIERS_PGL}, first: $first) {
      totalCount pageInfo { hasNextPage endCursor }
      nodes {
        name creditRating relationshipManager lastContactAt
        supplyChainLinksByCounterpartyId { nodes { clientByCoreEnterpriseId { name } } }
        contactsByClientId(orderBy: [PRIMARY_DESC, NAME_ASC, PRIMARY_KEY_ASC]) { nodes { name title phone } }
        interactionsByClientId(first: 3, orderBy: [OCCURRED_AT_DESC, PRIMARY_KEY_DESC]) { totalCount nodes { kind occurredAt summary followUpDueAt } }
        feedbacksByClientId(condition: { kind: "SURVEY" }) { nodes { score } }
      } } }`,
    keys: {
      hub: (d) => edgesOf(d.clients, 'name'),
      postgraphile: (d) => nodesOf(d.allClients, 'name'),
      floor: (d) => edgesOf(d.clients, 'name'),
    },
  },
  {
    name: 'client-list',
    hub: `query($first: Int!) { clients(first: $first) { edges { node { id name kind } } } }`,
    postgraphile: `query($first: Int!) { allClients(first: $first, orderBy: [NAME_ASC, PRIMARY_KEY_ASC]) { nodes { rowId name kind } } }`,
    keys: {
      hub: (d) => edgesOf(d.clients, 'id'),
      postgraphile: (d) => nodesOf(d.allClients, 'rowId'),
      floor: (d) => edgesOf(d.clients, 'id'),
    },
  },
  {
    name: 'financings',
    hub: `query($first: Int!) { financings(first: $first) { edges { node {
      id product status amount annualRate client { name kind } bucketHistory { asOf fromBucket toBucket daysPastDue }
    } } } }`,
    postgraphile: `query($first: Int!) { allFinancings(first: $first, orderBy: [CREATED_AT_DESC, PRIMARY_KEY_DESC]) { nodes {
      rowId product status amount annualRate clientByClientId { name kind }
      bucketChangesByFinancingId(orderBy: [RECORDED_AT_ASC, PRIMARY_KEY_ASC]) { nodes { asOf fromBucket toBucket daysPastDue } }
    } } }`,
    keys: {
      hub: (d) => edgesOf(d.financings, 'id'),
      postgraphile: (d) => nodesOf(d.allFinancings, 'rowId'),
      floor: (d) => edgesOf(d.financings, 'id'),
    },
  },
];
