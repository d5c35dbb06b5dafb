import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  ClientKind,
  ClientStatus,
  ComplaintCategory,
  ComplaintStatus,
  CreditRating,
  FeedbackKind,
  Industry,
  InteractionKind,
} from '../clients/client.enums.js';
import { CITIES, type City } from './cities.js';
import { seedUscc } from './codes.js';
import { DEMO_USCC_NUMBERS_BELOW, ROLE_OF_KIND } from './demo.js';
import { Prng } from './prng.js';
import { DAY_MS, addSummary, daysAgo, emptyRows, emptySummary, iso, seedNextReview, writeRows, type SeedRows, type SeedSummary } from './rows.js';
import { COMPLAINTS, INTERACTION_KIND_WEIGHTS, RESOLUTIONS, interactionNote, surveyComment } from './templates.js';

export interface SyntheticOptions {
  /** How many clients to add. */
  clients: number;
  /** Same seed, same portfolio (names, industries, histories); ids and codes depend on what is already there. */
  seed?: number;
  /** Clients written per transaction. */
  batchSize?: number;
  /** Called with the clients written so far, after each batch (and once with 0 at the start). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between batches: what was written stays, the call rejects with the signal's reason. */
  signal?: AbortSignal;
  now?: Date;
}

/** Share of core enterprises in a synthetic portfolio. */
export const CORE_SHARE = 0.08;
export const DEFAULT_SYNTHETIC_SEED = 20_240_601;

type Named = readonly [en: string, zh: string];

const BRAND: readonly Named[] = [
  ['Heng', '恒'], ['Xin', '鑫'], ['Hua', '华'], ['Tai', '泰'], ['Jin', '金'], ['Long', '隆'], ['Sheng', '盛'],
  ['Feng', '丰'], ['Yuan', '源'], ['Da', '达'], ['Kang', '康'], ['Rui', '瑞'], ['Bo', '博'], ['Tian', '天'],
  ['Hong', '宏'], ['Yu', '宇'], ['Ming', '明'], ['Cheng', '诚'], ['Xing', '星'], ['Fu', '富'], ['An', '安'],
  ['Jia', '佳'], ['Li', '利'], ['Chang', '昌'], ['Tong', '通'], ['Wei', '威'], ['Hai', '海'], ['Zhong', '中'],
  ['Guang', '光'], ['Run', '润'],
];

const INDUSTRY_NOUNS: Record<Industry, readonly Named[]> = {
  AUTOMOTIVE: [['Automotive', '汽车'], ['Auto Parts', '汽车零部件'], ['Precision Castings', '精密铸造'], ['Seating Systems', '座椅系统']],
  HOME_APPLIANCES: [['Home Appliances', '家电'], ['Electrical Appliances', '电器'], ['Kitchen Appliances', '厨电']],
  MACHINERY: [['Machinery', '机械'], ['Heavy Industry', '重工'], ['Precision Machinery', '精密机械'], ['Metal Products', '金属制品']],
  ELECTRONICS: [['Electronics', '电子'], ['Optoelectronics', '光电'], ['Electronic Components', '电子元件']],
  CHEMICALS: [['Chemical', '化工'], ['New Materials', '新材料'], ['Plastics', '塑胶'], ['Packaging Materials', '包装材料']],
  TEXTILES: [['Textiles', '纺织'], ['Garments', '服饰'], ['Home Textiles', '家纺']],
  FOOD_AND_BEVERAGE: [['Foods', '食品'], ['Dairy', '乳业'], ['Beverages', '饮品'], ['Agricultural Products', '农产品']],
  RETAIL: [['Retail Chain', '零售连锁'], ['Commercial', '商业'], ['Supermarkets', '超市']],
  WHOLESALE: [['Trading', '贸易'], ['Commerce & Trade', '商贸'], ['Supply Chain Management', '供应链管理']],
  LOGISTICS: [['Logistics', '物流'], ['Supply Chain Logistics', '供应链物流'], ['Cold Chain Logistics', '冷链物流'], ['Freight', '货运'], ['Warehousing', '仓储']],
  CONSTRUCTION: [['Construction', '建设'], ['Building Materials', '建材'], ['Steel Structures', '钢结构']],
  NEW_ENERGY: [['New Energy', '新能源'], ['Power Battery', '动力电池'], ['Photovoltaic', '光伏'], ['Energy Storage', '储能']],
  BIOMEDICINE: [['Biopharmaceutical', '生物医药'], ['Pharmaceutical', '制药'], ['Medical Devices', '医疗器械']],
  SEMICONDUCTORS: [['Semiconductor', '半导体'], ['Microelectronics', '微电子'], ['Integrated Circuits', '集成电路']],
};

/** What a distributor of a core enterprise in this industry calls itself. */
const DISTRIBUTOR_NOUNS: Partial<Record<Industry, readonly Named[]>> = {
  AUTOMOTIVE: [['Auto Sales & Service', '汽车销售服务'], ['Motor Trading', '汽车贸易']],
  HOME_APPLIANCES: [['Appliance Trading', '电器贸易'], ['Appliance Chain Stores', '电器连锁']],
  RETAIL: [['Convenience Stores', '便利店'], ['Community Commerce', '社区商业']],
  FOOD_AND_BEVERAGE: [['Food Distribution', '食品分销'], ['Beverage Trading', '饮料贸易']],
  NEW_ENERGY: [['New Energy Equipment Trading', '新能源设备贸易'], ['Energy Storage Integration', '储能系统集成']],
  BIOMEDICINE: [['Pharmaceutical Distribution', '医药配送'], ['Medical Supply Chain', '医药供应链']],
};

const CORE_INDUSTRIES: readonly (readonly [Industry, number])[] = [
  [Industry.AUTOMOTIVE, 3], [Industry.HOME_APPLIANCES, 2], [Industry.MACHINERY, 2], [Industry.ELECTRONICS, 2],
  [Industry.RETAIL, 2], [Industry.NEW_ENERGY, 2], [Industry.FOOD_AND_BEVERAGE, 1], [Industry.CHEMICALS, 1],
  [Industry.TEXTILES, 1], [Industry.CONSTRUCTION, 1], [Industry.BIOMEDICINE, 1], [Industry.SEMICONDUCTORS, 1],
];

/** Industries of a core enterprise's suppliers, by the core's industry. */
const SUPPLIER_INDUSTRIES: Partial<Record<Industry, readonly Industry[]>> = {
  AUTOMOTIVE: [Industry.AUTOMOTIVE, Industry.AUTOMOTIVE, Industry.ELECTRONICS, Industry.MACHINERY, Industry.CHEMICALS, Industry.TEXTILES],
  HOME_APPLIANCES: [Industry.ELECTRONICS, Industry.MACHINERY, Industry.CHEMICALS, Industry.SEMICONDUCTORS],
  MACHINERY: [Industry.MACHINERY, Industry.ELECTRONICS, Industry.CHEMICALS],
  ELECTRONICS: [Industry.ELECTRONICS, Industry.SEMICONDUCTORS, Industry.CHEMICALS],
  RETAIL: [Industry.FOOD_AND_BEVERAGE, Industry.FOOD_AND_BEVERAGE, Industry.TEXTILES, Industry.CHEMICALS, Industry.HOME_APPLIANCES],
  FOOD_AND_BEVERAGE: [Industry.FOOD_AND_BEVERAGE, Industry.CHEMICALS],
  CHEMICALS: [Industry.CHEMICALS, Industry.MACHINERY],
  TEXTILES: [Industry.TEXTILES, Industry.CHEMICALS],
  CONSTRUCTION: [Industry.CONSTRUCTION, Industry.MACHINERY, Industry.CHEMICALS],
  NEW_ENERGY: [Industry.CHEMICALS, Industry.ELECTRONICS, Industry.MACHINERY, Industry.SEMICONDUCTORS],
  BIOMEDICINE: [Industry.BIOMEDICINE, Industry.CHEMICALS, Industry.MACHINERY],
  SEMICONDUCTORS: [Industry.SEMICONDUCTORS, Industry.CHEMICALS, Industry.MACHINERY],
};

/** Industries of a core enterprise's distributors, by the core's industry. */
const DISTRIBUTOR_INDUSTRIES: Partial<Record<Industry, readonly Industry[]>> = {
  AUTOMOTIVE: [Industry.RETAIL, Industry.WHOLESALE],
  HOME_APPLIANCES: [Industry.RETAIL, Industry.WHOLESALE],
  RETAIL: [Industry.RETAIL],
  NEW_ENERGY: [Industry.NEW_ENERGY, Industry.WHOLESALE],
  CONSTRUCTION: [Industry.WHOLESALE, Industry.CONSTRUCTION],
};

const NON_CORE_KINDS: readonly (readonly [ClientKind, number])[] = [
  [ClientKind.SUPPLIER, 55],
  [ClientKind.DISTRIBUTOR, 33],
  [ClientKind.LOGISTICS_PROVIDER, 12],
];

const STATUSES: readonly (readonly [ClientStatus, number])[] = [
  [ClientStatus.ACTIVE, 75],
  [ClientStatus.PROSPECT, 12],
  [ClientStatus.WATCHLIST, 6],
  [ClientStatus.SUSPENDED, 3],
  [ClientStatus.TERMINATED, 4],
];

const CORE_RATINGS: readonly (readonly [CreditRating, number])[] = [
  [CreditRating.AAA, 15], [CreditRating.AA, 35], [CreditRating.A, 35], [CreditRating.BBB, 12], [CreditRating.BB, 3],
];
const RATINGS: readonly (readonly [CreditRating, number])[] = [
  [CreditRating.AAA, 1], [CreditRating.AA, 5], [CreditRating.A, 18], [CreditRating.BBB, 30], [CreditRating.BB, 24],
  [CreditRating.B, 14], [CreditRating.CCC, 5], [CreditRating.CC, 1.5], [CreditRating.C, 1], [CreditRating.D, 0.5],
];

const MANAGERS = ['Li Na', 'Wang Wei', 'Zhang Min', 'Chen Jie', 'Liu Yang', 'Yang Fan', 'Zhao Xin', 'Huang Lei'];

const SURNAMES: readonly Named[] = [
  ['Wang', '王'], ['Li', '李'], ['Zhang', '张'], ['Liu', '刘'], ['Chen', '陈'], ['Yang', '杨'], ['Huang', '黄'],
  ['Zhao', '赵'], ['Wu', '吴'], ['Zhou', '周'], ['Xu', '徐'], ['Sun', '孙'], ['Ma', '马'], ['Zhu', '朱'], ['Hu', '胡'],
  ['Guo', '郭'], ['He', '何'], ['Lin', '林'], ['Luo', '罗'], ['Gao', '高'],
];
const GIVEN: readonly Named[] = [
  ['Wei', '伟'], ['Fang', '芳'], ['Na', '娜'], ['Min', '敏'], ['Jing', '静'], ['Lei', '磊'], ['Qiang', '强'],
  ['Yan', '燕'], ['Jun', '军'], ['Yang', '洋'], ['Jie', '杰'], ['Tao', '涛'], ['Ming', '明'], ['Chao', '超'],
  ['Xiuying', '秀英'], ['Hui', '慧'], ['Peng', '鹏'], ['Hao', '浩'], ['Ting', '婷'], ['Bo', '波'],
];
const TITLES: Record<ClientKind, readonly string[]> = {
  CORE_ENTERPRISE: ['Chief Financial Officer', 'Treasury Director', 'Purchasing Director', 'Head of Supply Chain'],
  SUPPLIER: ['Finance Manager', 'Chief Financial Officer', 'General Manager', 'Sales Director'],
  DISTRIBUTOR: ['Owner', 'Finance Manager', 'General Manager', 'Purchasing Manager'],
  LOGISTICS_PROVIDER: ['Operations Director', 'Key Account Manager', 'Chief Financial Officer', 'IT Integration Lead'],
};

interface CorePlan {
  id: string;
  industry: Industry;
  short: string;
  created: Date;
}

/** One synthetic client and everything hanging off it; its code is assigned at write time. */
interface PlannedClient {
  rows: SeedRows;
  /** Administrative division of the client's city, for its unified social credit code. */
  division: string;
}

function pickName(rng: Prng, cityOf: City, nouns: readonly Named[], core: boolean): { name: string; short: string; brand: string } {
  const [b1, z1] = rng.pick(BRAND);
  let second = rng.pick(BRAND);
  while (second[0] === b1) second = rng.pick(BRAND);
  const brand = b1 + second[0].toLowerCase();
  const [noun, nounZh] = rng.pick(nouns);
  const [suffix, suffixZh] = core ? ['Group Co., Ltd.', '集团股份有限公司'] : ['Co., Ltd.', '有限公司'];
  return {
    name: `${cityOf.name} ${brand} ${noun} ${suffix} ${cityOf.zh}${z1}${second[1]}${nounZh}${suffixZh}`,
    short: `${brand} ${noun}`,
    brand,
  };
}

class Generator {
  private readonly rng: Prng;
  private readonly cities: City[] = [...CITIES.values()];
  readonly cores: CorePlan[] = [];
  private readonly coresByIndustry = new Map<Industry, CorePlan[]>();

  constructor(
    seed: number,
    private readonly now: Date,
    readonly coreCount: number,
  ) {
    this.rng = new Prng(seed);
    // Cores are planned up front so that the other clients can link to any of them; they are
    // written first, so every link's core exists by the time its batch is written.
    for (let i = 0; i < coreCount; i++) {
      const industry = this.rng.weighted(CORE_INDUSTRIES);
      const plan: CorePlan = { id: randomUUID(), industry, short: '', created: daysAgo(now, this.rng.int(400, 3000), 9) };
      this.cores.push(plan);
      const group = this.coresByIndustry.get(industry) ?? [];
      group.push(plan);
      this.coresByIndustry.set(industry, group);
    }
  }

  /** Client number `i` of the run (cores first). */
  client(i: number): PlannedClient {
    const rng = this.rng;
    const core = i < this.coreCount ? this.cores[i]! : null;
    const kind = core ? ClientKind.CORE_ENTERPRISE : rng.weighted(NON_CORE_KINDS);
    const status = core ? rng.weighted([[ClientStatus.ACTIVE, 90], [ClientStatus.PROSPECT, 6], [ClientStatus.WATCHLIST, 4]] as const) : rng.weighted(STATUSES);
    const cityOf = rng.pick(this.cities);

    let industry: Industry;
    let partners: CorePlan[] = [];
    let nouns: readonly Named[];
    if (core) {
      industry = core.industry;
      nouns = INDUSTRY_NOUNS[industry];
    } else {
      const first = rng.pick(this.cores);
      const sameIndustry = this.coresByIndustry.get(first.industry) ?? [first];
      const pool = sameIndustry.length > 1 && rng.chance(0.7) ? sameIndustry : this.cores;
      partners = [first, ...rng.sample(pool.filter((c) => c !== first), rng.int(1, 3) - 1)];
      if (kind === ClientKind.SUPPLIER) {
        industry = rng.pick(SUPPLIER_INDUSTRIES[first.industry] ?? [Industry.MACHINERY]);
        nouns = INDUSTRY_NOUNS[industry];
      } else if (kind === ClientKind.DISTRIBUTOR) {
        industry = rng.pick(DISTRIBUTOR_INDUSTRIES[first.industry] ?? [Industry.WHOLESALE]);
        nouns = DISTRIBUTOR_NOUNS[first.industry] ?? INDUSTRY_NOUNS[industry];
      } else {
        industry = Industry.LOGISTICS;
        nouns = INDUSTRY_NOUNS.LOGISTICS;
      }
    }
    const { name, short, brand } = pickName(rng, cityOf, nouns, core !== null);
    if (core) core.short = short;
    const prospect = status === ClientStatus.PROSPECT;
    const rating = prospect && rng.chance(0.4) ? null : rng.weighted(core ? CORE_RATINGS : RATINGS);
    const id = core ? core.id : randomUUID();
    const rm = rng.pick(MANAGERS);
    const rows = emptyRows();

    // Contacts.
    const contactCount = rng.int(1, 2);
    const people: { name: string; title: string }[] = [];
    for (let c = 0; c < contactCount; c++) {
      const [sn, snZh] = rng.pick(SURNAMES);
      const [gn, gnZh] = rng.pick(GIVEN);
      const title = rng.pick(TITLES[kind]);
      people.push({ name: `${sn} ${gn}`, title });
      rows.contacts.push({
        id: randomUUID(),
        client_id: id,
        name: `${sn} ${gn} ${snZh}${gnZh}`,
        title,
        phone: `+86 1${rng.int(30, 89)} ${String(rng.int(0, 9999)).padStart(4, '0')} ${String(rng.int(0, 9999)).padStart(4, '0')}`,
        email: `${sn.toLowerCase()}.${gn.toLowerCase()}@${brand.toLowerCase()}.example.com`,
        primary: c === 0,
        created_at: '', // set below, once the onboarding date is known
      });
    }

    // Interactions: the last six months; prospects have had fewer.
    const count = prospect ? rng.int(0, 2) : rng.weighted([[0, 2], [1, 3], [2, 3], [3, 2], [4, 2]] as const);
    const days = Array.from({ length: count }, () => rng.int(1, 180)).sort((a, b) => a - b);
    const primary = people[0]!;
    const coreShort = partners[0]?.short || short;
    days.forEach((d, n) => {
      const ikind: InteractionKind = rng.weighted(INTERACTION_KIND_WEIGHTS);
      const occurred = daysAgo(this.now, d, rng.int(9, 17), rng.pick([0, 15, 30, 45]));
      const latest = n === 0;
      let due: Date | null = null;
      let done: Date | null = null;
      if (rng.chance(latest ? 0.3 : 0.1)) {
        due = new Date(occurred.getTime() + rng.int(7, 21) * DAY_MS);
        if (due < this.now && rng.chance(latest ? 0.5 : 0.9)) done = new Date(due.getTime() - rng.int(0, 3) * DAY_MS);
      }
      rows.interactions.push({
        id: randomUUID(),
        client_id: id,
        kind: ikind,
        occurred_at: iso(occurred),
        summary: interactionNote(kind, ikind, { contact: primary.name, title: primary.title, core: coreShort, city: cityOf.name }, rng),
        follow_up_due_at: due ? iso(due) : null,
        follow_up_done_at: done && done > occurred ? iso(done) : null,
        recorded_by: rm,
        created_at: iso(occurred),
      });
    });

    // Feedback: surveys mostly, some complaints; none from prospects.
    const feedbackCount = prospect ? 0 : rng.weighted([[0, 4], [1, 4], [2, 2]] as const);
    for (let f = 0; f < feedbackCount; f++) {
      const submitted = daysAgo(this.now, rng.int(1, 360), rng.int(9, 20));
      if (rng.chance(0.75)) {
        const score = status === ClientStatus.ACTIVE ? rng.weighted([[10, 2], [9, 3], [8, 4], [7, 3], [6, 2], [5, 1], [4, 1]] as const) : rng.int(0, 7);
        rows.feedback.push({
          id: randomUUID(), client_id: id, kind: FeedbackKind.SURVEY, score, category: null,
          body: surveyComment(score, rng), status: null, resolution: null, resolved_at: null, submitted_at: iso(submitted),
        });
      } else {
        const category: ComplaintCategory = rng.pick(Object.values(ComplaintCategory));
        const cstatus = rng.weighted([[ComplaintStatus.OPEN, 3], [ComplaintStatus.IN_PROGRESS, 2], [ComplaintStatus.RESOLVED, 5]] as const);
        const resolved = cstatus === ComplaintStatus.RESOLVED;
        const resolvedAt = new Date(Math.min(submitted.getTime() + rng.int(1, 30) * DAY_MS, this.now.getTime()));
        rows.feedback.push({
          id: randomUUID(), client_id: id, kind: FeedbackKind.COMPLAINT, score: null, category,
          body: rng.pick(COMPLAINTS[category]), status: cstatus,
          resolution: resolved ? rng.pick(RESOLUTIONS) : null, resolved_at: resolved ? iso(resolvedAt) : null,
          submitted_at: iso(submitted),
        });
      }
    }

    // Onboarded before the first recorded contact or feedback.
    let created = core ? core.created : daysAgo(this.now, prospect ? rng.int(10, 200) : rng.int(90, 2500), 9);
    for (const t of [...rows.interactions.map((r) => r.occurred_at), ...rows.feedback.map((r) => r.submitted_at)]) {
      const before = new Date(Date.parse(t) - DAY_MS);
      if (before < created) created = before;
    }
    if (core) core.created = created;
    for (const c of rows.contacts) c.created_at = iso(created);

    const last = rows.interactions.reduce<string | null>((m, r) => (m === null || r.occurred_at > m ? r.occurred_at : m), null);
    rows.clients.push({
      id, name, kind, industry,
      unified_social_credit_code: '', // assigned when the batch is written, see assignCodes
      credit_rating: rating, status, relationship_manager: rm, city: cityOf.name,
      last_contact_at: last, next_review_on: seedNextReview(status, created, this.now),
      created_at: iso(created), updated_at: iso(this.now),
    });

    const role = ROLE_OF_KIND[kind];
    if (role) {
      for (const p of partners) {
        rows.links.push({
          id: randomUUID(), core_enterprise_id: p.id, counterparty_id: id, role,
          created_at: iso(new Date(Math.max(p.created.getTime(), created.getTime()))),
        });
      }
    }
    return { rows, division: cityOf.division };
  }
}

function merge(into: SeedRows, from: SeedRows): void {
  into.clients.push(...from.clients);
  into.links.push(...from.links);
  into.contacts.push(...from.contacts);
  into.interactions.push(...from.interactions);
  into.feedback.push(...from.feedback);
}

/**
 * Gives each client of the batch a unified social credit code numbered from `next.value` up,
 * skipping numbers whose code is already taken (by an earlier run or a client created through
 * the API).
 */
async function assignCodes(em: EntityManager, planned: readonly PlannedClient[], next: { value: number }): Promise<void> {
  let pending = planned.map((p) => ({ row: p.rows.clients[0]!, division: p.division }));
  while (pending.length) {
    for (const p of pending) p.row.unified_social_credit_code = seedUscc(next.value++, p.division);
    const taken = await em.execute<{ code: string }[]>(
      'select "unified_social_credit_code" as "code" from "client" where "unified_social_credit_code" in (?)',
      [pending.map((p) => p.row.unified_social_credit_code)],
    );
    const takenSet = new Set(taken.map((t) => t.code));
    pending = pending.filter((p) => takenSet.has(p.row.unified_social_credit_code));
  }
}

/**
 * Adds a synthetic portfolio of `clients` clients: about 8% core enterprises, the others
 * suppliers, distributors and logistics providers linked to one to three of the new core
 * enterprises in their own role, each with contacts, up to four interactions of the last six
 * months and up to two surveys or complaints. Written in batches, one transaction each, with
 * multi-row INSERTs. Codes are valid and unique, numbered apart from the demo portfolio's.
 */
export async function seedSynthetic(em: EntityManager, options: SyntheticOptions): Promise<SeedSummary> {
  const total = options.clients;
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`clients must be a positive integer, got ${total}`);
  const batchSize = options.batchSize ?? 500;
  const now = options.now ?? new Date();
  const coreCount = Math.max(1, Math.round(total * CORE_SHARE));
  const gen = new Generator(options.seed ?? DEFAULT_SYNTHETIC_SEED, now, coreCount);

  const [{ n } = { n: 0 }] = await em.execute<{ n: number }[]>('select count(*)::int as "n" from "client"');
  // Start after the clients already there: repeated runs number on instead of colliding.
  const next = { value: DEMO_USCC_NUMBERS_BELOW + n };

  const summary = emptySummary();
  options.onProgress?.(0, total);
  for (let start = 0; start < total; start += batchSize) {
    options.signal?.throwIfAborted();
    const end = Math.min(total, start + batchSize);
    const planned: PlannedClient[] = [];
    for (let i = start; i < end; i++) planned.push(gen.client(i));
    const batch = emptyRows();
    for (const p of planned) merge(batch, p.rows);
    await em.transactional(async (tx) => {
      await assignCodes(tx, planned, next);
      await writeRows(tx, batch);
    });
    addSummary(summary, batch);
    options.onProgress?.(end, total);
  }
  return summary;
}
