import {
  ClientKind,
  ClientStatus,
  ComplaintCategory,
  ComplaintStatus,
  CreditRating,
  Industry,
  InteractionKind,
} from '../clients/client.enums.js';

/**
 * The demo portfolio, written by hand: five core enterprises of a supply-chain-finance desk
 * (automotive, home appliances, retail, new energy, biomedicine), their suppliers and
 * distributors, and the logistics providers that move their goods. The companies are fictional;
 * any likeness to a real company's name is a coincidence. Days are counted back from the seed's
 * `now`, so the portfolio always looks current: a few follow-ups are overdue, a core enterprise
 * has gone more than a month without contact, some suppliers more than a quarter, and one
 * prospect has never been contacted.
 */

export const RM = {
  LI_NA: 'Li Na',
  WANG_WEI: 'Wang Wei',
  ZHANG_MIN: 'Zhang Min',
  CHEN_JIE: 'Chen Jie',
  LIU_YANG: 'Liu Yang',
} as const;

export interface DemoInteraction {
  kind: InteractionKind;
  daysAgo: number;
  summary: string;
  /** Days from now the follow-up is due; negative is overdue unless `followUpDone`. */
  followUpInDays?: number;
  followUpDone?: boolean;
}

export interface DemoSurvey {
  daysAgo: number;
  score: number;
  body?: string;
}

export interface DemoComplaint {
  daysAgo: number;
  category: ComplaintCategory;
  body: string;
  status: ComplaintStatus;
  resolution?: string;
  resolvedDaysAgo?: number;
}

export interface DemoClient {
  /** Stable handle inside the demo (links refer to it). */
  key: string;
  name: string;
  /** Short name used in interaction notes. */
  short: string;
  kind: ClientKind;
  industry: Industry;
  rating: CreditRating | null;
  status: ClientStatus;
  rm: string;
  city: string;
  onboardedDaysAgo: number;
  /** Keys of the core enterprises a supplier, distributor or logistics provider works for. */
  cores?: string[];
  /** Name and title; the first is the primary contact. */
  contacts: [string, string][];
  /** The client's contact history; when absent, routine contacts are generated. */
  interactions?: DemoInteraction[];
  /** For generated history: days since the last contact; null when never contacted. */
  lastContactDaysAgo?: number | null;
  surveys?: DemoSurvey[];
  complaints?: DemoComplaint[];
}

const { CORE_ENTERPRISE: CORE, SUPPLIER, DISTRIBUTOR, LOGISTICS_PROVIDER: LOGISTICS } = ClientKind;
const { ACTIVE, PROSPECT, WATCHLIST, SUSPENDED } = ClientStatus;
const { MEETING, VISIT, CALL, ONLINE_SESSION, EMAIL } = InteractionKind;

export const DEMO_CLIENTS: readonly DemoClient[] = [
  // ── Automotive ────────────────────────────────────────────────────────────────────────
  {
    key: 'huachen',
    name: 'Shanghai Huachen Automotive Group Co., Ltd. 上海华辰汽车集团股份有限公司',
    short: 'Huachen Auto',
    kind: CORE,
    industry: Industry.AUTOMOTIVE,
    rating: CreditRating.AAA,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Shanghai',
    onboardedDaysAgo: 1650,
    contacts: [
      ['Zhao Lei 赵磊', 'Chief Financial Officer'],
      ['Sun Hui 孙慧', 'Treasury Manager'],
      ['Zhou Qiang 周强', 'Purchasing Director'],
    ],
    interactions: [
      {
        kind: MEETING,
        daysAgo: 150,
        summary:
          'Annual credit review with CFO Zhao Lei. The group confirmed a CNY 2.4 bn reverse-factoring programme for its tier-1 suppliers for the coming year; board approval of the tripartite agreement expected next month.',
      },
      {
        kind: VISIT,
        daysAgo: 95,
        summary:
          'Visited the Jiading assembly plant. The NEV line runs two shifts; finished-vehicle inventory at 38 days, down from 45 last quarter.',
      },
      {
        kind: ONLINE_SESSION,
        daysAgo: 60,
        summary:
          "Walked Sun Hui's treasury team through payables confirmation on the platform; 14 suppliers onboarded so far, 6 still on paper confirmations.",
      },
      {
        kind: EMAIL,
        daysAgo: 27,
        summary: 'Sent Zhou Qiang the list of nine tier-2 suppliers proposed for the reverse-factoring programme, with KYC status.',
        followUpInDays: -20,
        followUpDone: true,
      },
      {
        kind: CALL,
        daysAgo: 6,
        summary:
          'Call with Zhao Lei on raising the programme limit to CNY 3 bn ahead of the year-end production peak; he asked for an indicative price. Send the revised term sheet.',
        followUpInDays: 5,
      },
    ],
    surveys: [{ daysAgo: 40, score: 9, body: 'Confirmations are fast and the relationship manager knows our suppliers.' }],
  },
  {
    key: 'hengtuo',
    name: 'Ningbo Hengtuo Chassis Systems Co., Ltd. 宁波恒拓底盘系统有限公司',
    short: 'Hengtuo Chassis',
    kind: SUPPLIER,
    industry: Industry.AUTOMOTIVE,
    rating: CreditRating.AA,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Ningbo',
    onboardedDaysAgo: 1200,
    cores: ['huachen'],
    contacts: [
      ['Wu Jing 吴静', 'Finance Manager'],
      ['Xie Tao 谢涛', 'Sales Director'],
    ],
    lastContactDaysAgo: 18,
    complaints: [
      {
        daysAgo: 75,
        category: ComplaintCategory.APPROVAL_SPEED,
        body: 'Factoring of invoices confirmed by Huachen took six working days to pay out; the programme promises 48 hours.',
        status: ComplaintStatus.RESOLVED,
        resolution: 'Confirmed payables now draw on a pre-approved limit; payouts have been same-day since.',
        resolvedDaysAgo: 61,
      },
    ],
  },
  {
    key: 'ruifeng',
    name: 'Wuxi Ruifeng Fuel Injection Technology Co., Ltd. 无锡瑞丰燃油喷射技术有限公司',
    short: 'Ruifeng Injection',
    kind: SUPPLIER,
    industry: Industry.AUTOMOTIVE,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Wuxi',
    onboardedDaysAgo: 980,
    cores: ['huachen'],
    contacts: [['Qin Fang 秦芳', 'Chief Financial Officer']],
    lastContactDaysAgo: 44,
  },
  {
    key: 'tianyi',
    name: 'Suzhou Tianyi Automotive Electronics Co., Ltd. 苏州天翼汽车电子有限公司',
    short: 'Tianyi Electronics',
    kind: SUPPLIER,
    industry: Industry.ELECTRONICS,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Suzhou',
    onboardedDaysAgo: 720,
    cores: ['huachen'],
    contacts: [
      ['Han Xue 韩雪', 'Finance Director'],
      ['Feng Kai 冯凯', 'Key Account Manager'],
    ],
    lastContactDaysAgo: 33,
  },
  {
    key: 'mingguang',
    name: 'Changzhou Mingguang Vehicle Lighting Co., Ltd. 常州明光车灯有限公司',
    short: 'Mingguang Lighting',
    kind: SUPPLIER,
    industry: Industry.AUTOMOTIVE,
    rating: CreditRating.B,
    status: WATCHLIST,
    rm: RM.LI_NA,
    city: 'Changzhou',
    onboardedDaysAgo: 900,
    cores: ['huachen'],
    contacts: [
      ['Qian Bo 钱波', 'Chief Financial Officer'],
      ['Yang Guohua 杨国华', 'Chairman'],
    ],
    interactions: [
      {
        kind: VISIT,
        daysAgo: 50,
        summary:
          'Plant visit after Huachen cut LED headlamp orders by 30%. Utilisation about 55%; CNY 120 m of bank loans fall due within six months. Put on the watchlist.',
        followUpInDays: -36,
        followUpDone: true,
      },
      {
        kind: MEETING,
        daysAgo: 20,
        summary:
          'Meeting with Chairman Yang and CFO Qian Bo on a repayment plan; asked for monthly management accounts and the order pipeline for the 2026 models.',
        followUpInDays: -5,
      },
      {
        kind: CALL,
        daysAgo: 2,
        summary:
          'Call with Qian Bo: Huachen nominated them for the facelift headlamp, start of production in Q3. Last month’s management accounts still outstanding.',
        followUpInDays: 3,
      },
    ],
    surveys: [{ daysAgo: 35, score: 5, body: 'The bank reduced our limit at the worst moment.' }],
  },
  {
    key: 'haixin',
    name: 'Tianjin Haixin Steel Processing & Distribution Co., Ltd. 天津海鑫钢材加工配送有限公司',
    short: 'Haixin Steel',
    kind: SUPPLIER,
    industry: Industry.MACHINERY,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Tianjin',
    onboardedDaysAgo: 1300,
    cores: ['huachen'],
    contacts: [
      ['Gu Ming 顾明', 'General Manager'],
      ['Tang Li 唐丽', 'Accounts Receivable Supervisor'],
    ],
    lastContactDaysAgo: 61,
  },
  {
    key: 'jingcheng',
    name: 'Beijing Jingcheng Huachen Auto Sales & Service Co., Ltd. 北京京诚华辰汽车销售服务有限公司',
    short: 'Jingcheng 4S',
    kind: DISTRIBUTOR,
    industry: Industry.RETAIL,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Beijing',
    onboardedDaysAgo: 1100,
    cores: ['huachen'],
    contacts: [
      ['Liang Chen 梁晨', 'Finance Manager'],
      ['Song Yu 宋宇', 'General Manager'],
    ],
    lastContactDaysAgo: 9,
  },
  {
    key: 'xinghe',
    name: 'Hangzhou Xinghe Automobile Trading Co., Ltd. 杭州星河汽车贸易有限公司',
    short: 'Xinghe Auto Trading',
    kind: DISTRIBUTOR,
    industry: Industry.RETAIL,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.LI_NA,
    city: 'Hangzhou',
    onboardedDaysAgo: 640,
    cores: ['huachen'],
    contacts: [['Shen Jia 沈佳', 'Finance Manager']],
    lastContactDaysAgo: 52,
  },
  {
    key: 'jinsha',
    name: 'Chengdu Jinsha Motor Sales Co., Ltd. 成都金沙汽车销售有限公司',
    short: 'Jinsha Motor',
    kind: DISTRIBUTOR,
    industry: Industry.RETAIL,
    rating: CreditRating.BB,
    status: PROSPECT,
    rm: RM.LI_NA,
    city: 'Chengdu',
    onboardedDaysAgo: 40,
    cores: ['huachen'],
    contacts: [['Deng Hao 邓浩', 'Owner']],
    interactions: [
      {
        kind: EMAIL,
        daysAgo: 18,
        summary:
          'Sent Deng Hao the prepayment-financing product sheet for Huachen vehicle orders and the KYC checklist (licence, last two years of audited accounts, dealer agreement).',
        followUpInDays: -4,
      },
    ],
  },

  // ── Home appliances ───────────────────────────────────────────────────────────────────
  {
    key: 'meikang',
    name: 'Foshan Meikang Home Appliances Group Co., Ltd. 佛山美康家电集团股份有限公司',
    short: 'Meikang Appliances',
    kind: CORE,
    industry: Industry.HOME_APPLIANCES,
    rating: CreditRating.AA,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Foshan',
    onboardedDaysAgo: 1500,
    contacts: [
      ['Huang Li 黄莉', 'Chief Financial Officer'],
      ['Lu Yan 陆燕', 'Treasury Manager'],
      ['He Jun 何军', 'Channel Sales Director'],
    ],
    // Last contact more than a month ago: a core enterprise overdue for its monthly contact.
    interactions: [
      {
        kind: VISIT,
        daysAgo: 170,
        summary:
          'Visited the Shunde air-conditioner plant ahead of the summer peak; distributor prepayments up 20% year on year, compressor stock for eight weeks.',
      },
      {
        kind: MEETING,
        daysAgo: 110,
        summary:
          'Meeting with CFO Huang Li on a distributor prepayment (supplier-loan) programme covering about 60 distributors, with a Meikang buy-back guarantee on unsold stock.',
      },
      {
        kind: CALL,
        daysAgo: 70,
        summary: 'Call with Lu Yan about supplier invoices left unconfirmed during the ERP migration; she promised a catch-up batch.',
        followUpInDays: -60,
        followUpDone: true,
      },
      {
        kind: EMAIL,
        daysAgo: 38,
        summary: 'Emailed the draft buy-back guarantee agreement to Meikang’s legal department; chase for comments.',
        followUpInDays: -8,
      },
    ],
    surveys: [{ daysAgo: 90, score: 8 }],
  },
  {
    key: 'jinli',
    name: 'Zhuhai Jinli Compressor Co., Ltd. 珠海金力压缩机有限公司',
    short: 'Jinli Compressor',
    kind: SUPPLIER,
    industry: Industry.MACHINERY,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Zhuhai',
    onboardedDaysAgo: 1000,
    cores: ['meikang'],
    contacts: [
      ['Luo Ping 罗平', 'Finance Director'],
      ['Cai Wen 蔡文', 'Sales Manager'],
    ],
    lastContactDaysAgo: 26,
    complaints: [
      {
        daysAgo: 30,
        category: ComplaintCategory.PRICING,
        body: 'The 4.35% discount rate on Meikang receivables is above the 3.90% a competing bank quoted for the same paper.',
        status: ComplaintStatus.IN_PROGRESS,
      },
    ],
  },
  {
    key: 'dongfang',
    name: 'Ningbo Dongfang Micro-Motor Co., Ltd. 宁波东方微电机有限公司',
    short: 'Dongfang Micro-Motor',
    kind: SUPPLIER,
    industry: Industry.ELECTRONICS,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Ningbo',
    onboardedDaysAgo: 800,
    cores: ['meikang'],
    contacts: [['Pan Yi 潘毅', 'Chief Financial Officer']],
    lastContactDaysAgo: 58,
  },
  {
    key: 'huaxin',
    name: 'Dongguan Huaxin Plastic Injection Co., Ltd. 东莞华鑫塑胶注塑有限公司',
    short: 'Huaxin Plastics',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Dongguan',
    onboardedDaysAgo: 700,
    cores: ['meikang'],
    contacts: [
      ['Ye Hong 叶红', 'Finance Manager'],
      ['Fang Lin 方林', 'Owner'],
    ],
    lastContactDaysAgo: 95,
    complaints: [
      {
        daysAgo: 100,
        category: ComplaintCategory.PRODUCT,
        body: 'The supplier portal logs out in the middle of bulk uploads of more than 200 invoices.',
        status: ComplaintStatus.RESOLVED,
        resolution: 'Uploads now run as background batches and the session lasts 30 minutes of inactivity.',
        resolvedDaysAgo: 86,
      },
    ],
  },
  {
    key: 'xinwei',
    name: 'Shenzhen Xinwei Microelectronics Co., Ltd. 深圳芯微微电子有限公司',
    short: 'Xinwei Micro',
    kind: SUPPLIER,
    industry: Industry.SEMICONDUCTORS,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Shenzhen',
    onboardedDaysAgo: 420,
    // Inverter MCUs for air conditioners and battery-management chips.
    cores: ['meikang', 'xinneng'],
    contacts: [
      ['Kong Rui 孔睿', 'Chief Financial Officer'],
      ['Jiang Tian 江天', 'VP Sales'],
    ],
    lastContactDaysAgo: 14,
  },
  {
    key: 'hongtai',
    name: 'Jiangmen Hongtai Copper Tube Co., Ltd. 江门宏泰铜管有限公司',
    short: 'Hongtai Copper',
    kind: SUPPLIER,
    industry: Industry.MACHINERY,
    rating: CreditRating.B,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Jiangmen',
    onboardedDaysAgo: 600,
    cores: ['meikang'],
    contacts: [['Lin Dong 林栋', 'General Manager']],
    // Not contacted for a quarter and more: shows up among the follow-ups.
    lastContactDaysAgo: 122,
    surveys: [{ daysAgo: 20, score: 0, body: 'Nobody from the bank has been in touch since we joined the programme.' }],
  },
  {
    key: 'baijia',
    name: 'Guangzhou Baijia Appliance Chain Stores Co., Ltd. 广州百佳电器连锁有限公司',
    short: 'Baijia Appliances',
    kind: DISTRIBUTOR,
    industry: Industry.RETAIL,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Guangzhou',
    onboardedDaysAgo: 1250,
    cores: ['meikang'],
    contacts: [
      ['Mo Xiaoyan 莫晓燕', 'Finance Director'],
      ['Du Peng 杜鹏', 'Purchasing Manager'],
    ],
    lastContactDaysAgo: 22,
    complaints: [
      {
        daysAgo: 110,
        category: ComplaintCategory.SERVICE,
        body: 'Could not reach the relationship manager during peak stocking; a prepayment drawdown was two days late.',
        status: ComplaintStatus.RESOLVED,
        resolution: 'A backup relationship manager now covers Wang Wei’s clients, and the escalation hotline was shared.',
        resolvedDaysAgo: 101,
      },
    ],
  },
  {
    key: 'jiangcheng',
    name: 'Wuhan Jiangcheng Appliance Wholesale Co., Ltd. 武汉江城家电批发有限公司',
    short: 'Jiangcheng Wholesale',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Wuhan',
    onboardedDaysAgo: 760,
    cores: ['meikang'],
    contacts: [['Xiong Wei 熊伟', 'Owner']],
    lastContactDaysAgo: 71,
  },
  {
    key: 'zhongyuan',
    name: 'Zhengzhou Zhongyuan Home Appliance Distribution Co., Ltd. 郑州中原家电分销有限公司',
    short: 'Zhongyuan Distribution',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.CCC,
    status: SUSPENDED,
    rm: RM.WANG_WEI,
    city: 'Zhengzhou',
    onboardedDaysAgo: 980,
    cores: ['meikang'],
    contacts: [
      ['Bai Jianguo 白建国', 'Owner'],
      ['Niu Li 牛丽', 'Accountant'],
    ],
    interactions: [
      {
        kind: CALL,
        daysAgo: 80,
        summary: 'Two prepayment instalments missed; Bai Jianguo blamed slow sell-through after the property slump in Henan.',
        followUpInDays: -73,
        followUpDone: true,
      },
      {
        kind: VISIT,
        daysAgo: 45,
        summary:
          'Warehouse check: Meikang air-conditioner stock 40% below the pledged quantity. Facility suspended pending investigation.',
      },
      {
        kind: MEETING,
        daysAgo: 15,
        summary:
          'Restructuring meeting with the owner and Meikang’s channel manager; Meikang offers to buy back unsold stock at 85% of invoice. Draft the standstill agreement.',
        followUpInDays: -2,
      },
    ],
    surveys: [{ daysAgo: 12, score: 2, body: 'Penalty interest is killing us.' }],
    complaints: [
      {
        daysAgo: 14,
        category: ComplaintCategory.PRICING,
        body: 'Penalty interest on the missed instalments is too high; asks for a waiver while the buy-back is negotiated.',
        status: ComplaintStatus.IN_PROGRESS,
      },
    ],
  },

  // ── Retail ────────────────────────────────────────────────────────────────────────────
  {
    key: 'yipin',
    name: 'Hangzhou Yipin Retail Chain Co., Ltd. 杭州一品零售连锁股份有限公司',
    short: 'Yipin Retail',
    kind: CORE,
    industry: Industry.RETAIL,
    rating: CreditRating.AA,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Hangzhou',
    onboardedDaysAgo: 1400,
    contacts: [
      ['Ma Jun 马骏', 'Chief Financial Officer'],
      ['Yu Ting 俞婷', 'Head of Procurement'],
    ],
    interactions: [
      {
        kind: MEETING,
        daysAgo: 140,
        summary:
          'Quarterly review with CFO Ma Jun: same-store sales +4.1%, 312 stores; discussed supplier financing for the fresh-food category.',
      },
      {
        kind: ONLINE_SESSION,
        daysAgo: 85,
        summary: 'Online demo of dynamic discounting to Yu Ting’s procurement team for Yipin’s 1,200 FMCG suppliers.',
      },
      {
        kind: VISIT,
        daysAgo: 45,
        summary:
          'Visited the Xiaoshan distribution centre: fresh-food shrinkage under 2%, cold-storage extension due in spring.',
      },
      {
        kind: EMAIL,
        daysAgo: 30,
        summary: 'Sent the quarterly programme report: 214 suppliers financed, average days payable extended to 62.',
      },
      {
        kind: CALL,
        daysAgo: 12,
        summary:
          'Call with Ma Jun on the Spring Festival stocking plan; supplier payables expected to peak at CNY 850 m in January. Prepare a temporary limit increase.',
        followUpInDays: 20,
      },
    ],
    surveys: [{ daysAgo: 28, score: 10, body: 'Dynamic discounting went live without a hitch.' }],
  },
  {
    key: 'caoyuan',
    name: 'Hohhot Caoyuan Dairy Co., Ltd. 呼和浩特草原乳业有限公司',
    short: 'Caoyuan Dairy',
    kind: SUPPLIER,
    industry: Industry.FOOD_AND_BEVERAGE,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Hohhot',
    onboardedDaysAgo: 1000,
    cores: ['yipin'],
    contacts: [
      ['Bao Yin 包音', 'Finance Director'],
      ['Wang Lan 王兰', 'Key Account Manager'],
    ],
    lastContactDaysAgo: 36,
  },
  {
    key: 'shouguang',
    name: 'Shouguang Fresh Vegetables Trading Co., Ltd. 寿光鲜蔬贸易有限公司',
    short: 'Shouguang Fresh',
    kind: SUPPLIER,
    industry: Industry.FOOD_AND_BEVERAGE,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Weifang',
    onboardedDaysAgo: 540,
    cores: ['yipin'],
    contacts: [['Sui Gang 隋刚', 'Owner']],
    lastContactDaysAgo: 47,
  },
  {
    key: 'keqiao',
    name: 'Shaoxing Keqiao Home Textiles Co., Ltd. 绍兴柯桥家纺有限公司',
    short: 'Keqiao Textiles',
    kind: SUPPLIER,
    industry: Industry.TEXTILES,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Shaoxing',
    onboardedDaysAgo: 830,
    cores: ['yipin'],
    contacts: [
      ['Zhu Hua 朱华', 'Finance Manager'],
      ['Jin Xia 金霞', 'Export & Retail Sales Manager'],
    ],
    lastContactDaysAgo: 65,
  },
  {
    key: 'baiyun',
    name: 'Guangzhou Baiyun Daily Chemical Co., Ltd. 广州白云日化有限公司',
    short: 'Baiyun Daily Chemical',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Guangzhou',
    onboardedDaysAgo: 1150,
    cores: ['yipin'],
    contacts: [['Li Qiong 黎琼', 'Chief Financial Officer']],
    lastContactDaysAgo: 24,
  },
  {
    key: 'minjiang',
    name: 'Fujian Minjiang Snack Foods Co., Ltd. 福建闽江休闲食品有限公司',
    short: 'Minjiang Snacks',
    kind: SUPPLIER,
    industry: Industry.FOOD_AND_BEVERAGE,
    rating: null,
    status: PROSPECT,
    rm: RM.ZHANG_MIN,
    city: 'Fuzhou',
    onboardedDaysAgo: 35,
    cores: ['yipin'],
    contacts: [['Chen Hui 陈辉', 'General Manager']],
    interactions: [
      {
        kind: ONLINE_SESSION,
        daysAgo: 26,
        summary:
          'Introductory online session with Chen Hui; they want to factor receivables from Yipin (90-day terms). Waiting for two years of audited accounts.',
        followUpInDays: 10,
      },
    ],
  },
  {
    key: 'lianjia',
    name: 'Ningbo Lianjia Convenience Store Franchise Co., Ltd. 宁波联家便利店加盟有限公司',
    short: 'Lianjia Franchise',
    kind: DISTRIBUTOR,
    industry: Industry.RETAIL,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Ningbo',
    onboardedDaysAgo: 500,
    cores: ['yipin'],
    contacts: [['Hu Bin 胡斌', 'Operations Director']],
    lastContactDaysAgo: 40,
  },
  {
    key: 'tuanyou',
    name: 'Jiaxing Tuanyou Community Group-Buying Co., Ltd. 嘉兴团友社区团购有限公司',
    short: 'Tuanyou Group-Buying',
    kind: DISTRIBUTOR,
    industry: Industry.RETAIL,
    rating: CreditRating.B,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Jiaxing',
    onboardedDaysAgo: 310,
    cores: ['yipin'],
    contacts: [
      ['Xu Lei 许磊', 'Founder'],
      ['Zheng Yi 郑怡', 'Finance Manager'],
    ],
    lastContactDaysAgo: 78,
  },

  // ── New energy ────────────────────────────────────────────────────────────────────────
  {
    key: 'xinneng',
    name: 'Changzhou Xinneng Power Battery Co., Ltd. 常州新能动力电池股份有限公司',
    short: 'Xinneng Battery',
    kind: CORE,
    industry: Industry.NEW_ENERGY,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Changzhou',
    onboardedDaysAgo: 1000,
    contacts: [
      ['Gao Peng 高鹏', 'Chief Financial Officer'],
      ['Wei Na 魏娜', 'Treasury Director'],
      ['Shi Lei 石磊', 'Supply Chain Director'],
    ],
    interactions: [
      {
        kind: MEETING,
        daysAgo: 160,
        summary:
          'Pre-credit-committee meeting with CFO Gao Peng: the lithium carbonate price fall cut inventory value by 18%; management expects margins to recover in H2.',
      },
      {
        kind: EMAIL,
        daysAgo: 120,
        summary: 'Asked Wei Na for monthly inventory and receivables ageing reports until prices stabilise.',
        followUpInDays: -105,
        followUpDone: true,
      },
      {
        kind: CALL,
        daysAgo: 75,
        summary:
          'Call with Gao Peng: two energy-storage customers delay acceptance tests; receivables over 90 days up to 11% of the book.',
        followUpInDays: -68,
        followUpDone: true,
      },
      {
        kind: ONLINE_SESSION,
        daysAgo: 33,
        summary: 'Online session with the treasury team on splitting the line between supplier finance and inventory financing of cells.',
      },
      {
        kind: VISIT,
        daysAgo: 3,
        summary:
          'Visited the Changzhou cell plant: line 3 idle while retooled for 314 Ah storage cells; order book covers five months. Update the risk memo.',
        followUpInDays: 14,
      },
    ],
    surveys: [{ daysAgo: 50, score: 7, body: 'Good product range; credit reviews take too long for a fast-moving industry.' }],
  },
  {
    key: 'liyuan',
    name: 'Yichun Liyuan Lithium Materials Co., Ltd. 宜春锂源材料有限公司',
    short: 'Liyuan Lithium',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Yichun',
    onboardedDaysAgo: 690,
    cores: ['xinneng'],
    contacts: [
      ['Zou Yong 邹勇', 'Chief Financial Officer'],
      ['Lai Min 赖敏', 'Sales Director'],
    ],
    lastContactDaysAgo: 29,
  },
  {
    key: 'tanke',
    name: 'Shenzhen Tanke Anode Materials Co., Ltd. 深圳碳科负极材料有限公司',
    short: 'Tanke Anode',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Shenzhen',
    onboardedDaysAgo: 760,
    cores: ['xinneng'],
    contacts: [['Ou Yang 欧阳', 'Finance Director']],
    lastContactDaysAgo: 15,
  },
  {
    key: 'zhengyuan',
    name: 'Changsha Zhengyuan Cathode Materials Co., Ltd. 长沙正源正极材料有限公司',
    short: 'Zhengyuan Cathode',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Changsha',
    onboardedDaysAgo: 560,
    cores: ['xinneng'],
    contacts: [
      ['Peng Fei 彭飞', 'General Manager'],
      ['Yi Xin 易欣', 'Finance Manager'],
    ],
    lastContactDaysAgo: 131,
  },
  {
    key: 'jiemo',
    name: 'Suzhou Jiemo Separator Technology Co., Ltd. 苏州捷膜隔膜科技有限公司',
    short: 'Jiemo Separator',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Suzhou',
    onboardedDaysAgo: 480,
    cores: ['xinneng'],
    contacts: [['Gong Li 龚莉', 'Chief Financial Officer']],
    lastContactDaysAgo: 55,
  },
  {
    key: 'huayuan',
    name: 'Jiangyin Huayuan Aluminium Foil Co., Ltd. 江阴华源铝箔有限公司',
    short: 'Huayuan Foil',
    kind: SUPPLIER,
    industry: Industry.MACHINERY,
    rating: CreditRating.B,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Jiangyin',
    onboardedDaysAgo: 380,
    cores: ['xinneng'],
    contacts: [['Xue Bing 薛兵', 'Owner']],
    lastContactDaysAgo: 68,
  },
  {
    key: 'lvdong',
    name: 'Hefei Lvdong Energy Storage Systems Co., Ltd. 合肥绿动储能系统集成有限公司',
    short: 'Lvdong Storage',
    kind: DISTRIBUTOR,
    industry: Industry.NEW_ENERGY,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Hefei',
    onboardedDaysAgo: 450,
    cores: ['xinneng'],
    contacts: [
      ['Ding Rui 丁锐', 'Chief Financial Officer'],
      ['Guo Liang 郭亮', 'Project Director'],
    ],
    lastContactDaysAgo: 11,
    complaints: [
      {
        daysAgo: 40,
        category: ComplaintCategory.PRODUCT,
        body: 'Inventory financing only accepts goods in a bonded warehouse; storage cabinets in transit to project sites cannot be pledged.',
        status: ComplaintStatus.OPEN,
      },
    ],
  },
  {
    key: 'qinfeng',
    name: "Xi'an Qinfeng New Energy Equipment Trading Co., Ltd. 西安秦风新能源设备贸易有限公司",
    short: 'Qinfeng Trading',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: "Xi'an",
    onboardedDaysAgo: 600,
    cores: ['xinneng'],
    contacts: [['Lei Zhen 雷震', 'General Manager']],
    lastContactDaysAgo: 84,
  },
  {
    key: 'dianyi',
    name: 'Shenzhen Dianyi Two-Wheeler Battery Distribution Co., Ltd. 深圳电易两轮车电池分销有限公司',
    short: 'Dianyi Battery',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.B,
    status: PROSPECT,
    rm: RM.CHEN_JIE,
    city: 'Shenzhen',
    onboardedDaysAgo: 130,
    cores: ['xinneng'],
    contacts: [['Liao Jie 廖杰', 'Owner']],
    interactions: [
      {
        kind: CALL,
        daysAgo: 96,
        summary: 'First call with Liao Jie, introduced by Xinneng’s sales team; call back after the spring trade fair.',
        followUpInDays: -60,
      },
    ],
  },

  // ── Biomedicine ───────────────────────────────────────────────────────────────────────
  {
    key: 'kangyuan',
    name: 'Suzhou Kangyuan Biopharmaceutical Co., Ltd. 苏州康源生物医药股份有限公司',
    short: 'Kangyuan Biopharma',
    kind: CORE,
    industry: Industry.BIOMEDICINE,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Suzhou',
    onboardedDaysAgo: 900,
    contacts: [
      ['Xu Qing 徐青', 'Chief Financial Officer'],
      ['Tian Ye 田野', 'Procurement Director'],
    ],
    interactions: [
      {
        kind: MEETING,
        daysAgo: 175,
        summary:
          'Kick-off of the API suppliers’ programme: Kangyuan confirms payables within five days of goods receipt and quality release.',
      },
      {
        kind: VISIT,
        daysAgo: 100,
        summary:
          'GMP plant visit in Suzhou Industrial Park; the biosimilar line passed its NMPA inspection. Hospital receivables average 150 days.',
      },
      {
        kind: ONLINE_SESSION,
        daysAgo: 55,
        summary: 'Online session with the treasury team on a hospital-receivables factoring pilot with two distributors.',
      },
      {
        kind: CALL,
        daysAgo: 21,
        summary:
          'Call with Xu Qing on the volume-based procurement tender results: two products won, prices down 48%. Send the updated cash-flow model.',
        followUpInDays: -7,
        followUpDone: true,
      },
    ],
    surveys: [{ daysAgo: 60, score: 8 }],
  },
  {
    key: 'yikang',
    name: 'Taizhou Yikang Pharmaceutical Materials Co., Ltd. 泰州益康医药原料有限公司',
    short: 'Yikang API',
    kind: SUPPLIER,
    industry: Industry.BIOMEDICINE,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Taizhou',
    onboardedDaysAgo: 700,
    cores: ['kangyuan'],
    contacts: [
      ['Miao Jing 缪静', 'Finance Manager'],
      ['Ren Bo 任波', 'Quality Director'],
    ],
    lastContactDaysAgo: 31,
  },
  {
    key: 'bosheng',
    name: 'Shanghai Bosheng Bioprocess Equipment Co., Ltd. 上海博晟生物工艺设备有限公司',
    short: 'Bosheng Bioprocess',
    kind: SUPPLIER,
    industry: Industry.MACHINERY,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Shanghai',
    onboardedDaysAgo: 820,
    cores: ['kangyuan'],
    contacts: [['Yao Lin 姚琳', 'Chief Financial Officer']],
    lastContactDaysAgo: 49,
  },
  {
    key: 'jingtou',
    name: 'Cangzhou Jingtou Pharmaceutical Glass Packaging Co., Ltd. 沧州晶透药用玻璃包装有限公司',
    short: 'Jingtou Glass',
    kind: SUPPLIER,
    industry: Industry.CHEMICALS,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Cangzhou',
    onboardedDaysAgo: 650,
    cores: ['kangyuan'],
    contacts: [
      ['Zhai Qiang 翟强', 'General Manager'],
      ['Hao Mei 郝梅', 'Accountant'],
    ],
    lastContactDaysAgo: 101,
  },
  {
    key: 'guanggu',
    name: 'Wuhan Guanggu Bioreagents Co., Ltd. 武汉光谷生物试剂有限公司',
    short: 'Guanggu Bioreagents',
    kind: SUPPLIER,
    industry: Industry.BIOMEDICINE,
    rating: null,
    status: PROSPECT,
    rm: RM.LIU_YANG,
    city: 'Wuhan',
    onboardedDaysAgo: 20,
    cores: ['kangyuan'],
    contacts: [['Fu Xiao 傅晓', 'Co-founder']],
    // Referred by Kangyuan, never contacted yet.
    lastContactDaysAgo: null,
  },
  {
    key: 'jinling',
    name: 'Nanjing Jinling Pharmaceutical Distribution Co., Ltd. 南京金陵医药配送有限公司',
    short: 'Jinling Pharma Distribution',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Nanjing',
    onboardedDaysAgo: 1100,
    cores: ['kangyuan'],
    contacts: [
      ['Cao Min 曹敏', 'Chief Financial Officer'],
      ['Qiu Hong 邱红', 'Hospital Accounts Manager'],
    ],
    lastContactDaysAgo: 19,
  },
  {
    key: 'lingnan',
    name: 'Guangzhou Lingnan Medical Supply Chain Co., Ltd. 广州岭南医药供应链有限公司',
    short: 'Lingnan Medical',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Guangzhou',
    onboardedDaysAgo: 520,
    cores: ['kangyuan'],
    contacts: [['Situ Wen 司徒文', 'Finance Director']],
    lastContactDaysAgo: 62,
  },
  {
    key: 'bashu',
    name: 'Chongqing Bashu Hospital Pharmacy Services Co., Ltd. 重庆巴蜀医院药事服务有限公司',
    short: 'Bashu Pharmacy Services',
    kind: DISTRIBUTOR,
    industry: Industry.WHOLESALE,
    rating: CreditRating.CCC,
    status: WATCHLIST,
    rm: RM.LIU_YANG,
    city: 'Chongqing',
    onboardedDaysAgo: 730,
    cores: ['kangyuan'],
    contacts: [
      ['Ran Gang 冉刚', 'General Manager'],
      ['Mou Li 牟丽', 'Finance Manager'],
    ],
    interactions: [
      {
        kind: MEETING,
        daysAgo: 64,
        summary: 'Reviewed hospital receivables: three tertiary hospitals now pay after more than 240 days. Moved to the watchlist.',
        followUpInDays: -50,
        followUpDone: true,
      },
      {
        kind: CALL,
        daysAgo: 9,
        summary:
          'Call with Ran Gang: the provincial medical-insurance fund settles late again; he asks for a 60-day extension of the factoring facility.',
        followUpInDays: 7,
      },
    ],
    surveys: [{ daysAgo: 30, score: 3, body: 'Renewal reviews take weeks while hospitals pay later and later.' }],
    complaints: [
      {
        daysAgo: 25,
        category: ComplaintCategory.APPROVAL_SPEED,
        body: 'The facility renewal has been in credit review for three weeks.',
        status: ComplaintStatus.OPEN,
      },
    ],
  },

  // ── Logistics providers ───────────────────────────────────────────────────────────────
  {
    key: 'dongjiang',
    name: 'Shanghai Dongjiang Supply Chain Logistics Co., Ltd. 上海东疆供应链物流有限公司',
    short: 'Dongjiang Logistics',
    kind: LOGISTICS,
    industry: Industry.LOGISTICS,
    rating: CreditRating.AA,
    status: ACTIVE,
    rm: RM.ZHANG_MIN,
    city: 'Shanghai',
    onboardedDaysAgo: 1300,
    cores: ['huachen', 'yipin', 'kangyuan'],
    contacts: [
      ['Lu Kai 卢凯', 'Key Account Director'],
      ['Jia Ning 贾宁', 'IT Integration Lead'],
    ],
    lastContactDaysAgo: 16,
    complaints: [
      {
        daysAgo: 58,
        category: ComplaintCategory.OTHER,
        body: 'E-invoices (fapiao) issued through the platform were rejected by their tax-control system: the buyer name was truncated.',
        status: ComplaintStatus.RESOLVED,
        resolution: 'The buyer-name field now holds the full registered name; the invoices were re-issued.',
        resolvedDaysAgo: 50,
      },
    ],
  },
  {
    key: 'pengcheng',
    name: 'Shenzhen Pengcheng Express Freight Co., Ltd. 深圳鹏城速运货运有限公司',
    short: 'Pengcheng Express',
    kind: LOGISTICS,
    industry: Industry.LOGISTICS,
    rating: CreditRating.A,
    status: ACTIVE,
    rm: RM.WANG_WEI,
    city: 'Shenzhen',
    onboardedDaysAgo: 1000,
    cores: ['meikang', 'xinneng'],
    contacts: [['Wen Jie 温杰', 'Operations Director']],
    lastContactDaysAgo: 37,
  },
  {
    key: 'zhongzhou',
    name: 'Zhengzhou Zhongzhou International Land Port Logistics Co., Ltd. 郑州中州国际陆港物流有限公司',
    short: 'Zhongzhou Land Port',
    kind: LOGISTICS,
    industry: Industry.LOGISTICS,
    rating: CreditRating.BBB,
    status: ACTIVE,
    rm: RM.CHEN_JIE,
    city: 'Zhengzhou',
    onboardedDaysAgo: 740,
    // Rail freight to Central Asia and Europe; licensed for class-9 dangerous goods (batteries).
    cores: ['huachen', 'meikang', 'xinneng'],
    contacts: [
      ['Shang Wu 尚武', 'General Manager'],
      ['Kang Li 康丽', 'Customs & Compliance Manager'],
    ],
    lastContactDaysAgo: 57,
  },
  {
    key: 'bingjian',
    name: 'Suzhou Bingjian Cold Chain Logistics Co., Ltd. 苏州冰鉴冷链物流有限公司',
    short: 'Bingjian Cold Chain',
    kind: LOGISTICS,
    industry: Industry.LOGISTICS,
    rating: CreditRating.BB,
    status: ACTIVE,
    rm: RM.LIU_YANG,
    city: 'Suzhou',
    onboardedDaysAgo: 430,
    cores: ['kangyuan', 'yipin'],
    contacts: [['Lou Yun 娄云', 'Chief Financial Officer']],
    lastContactDaysAgo: 27,
  },
];
