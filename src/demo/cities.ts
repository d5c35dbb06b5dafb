/**
 * Cities the seeds place clients in: Chinese name, the administrative division code that
 * positions 3–8 of a unified social credit code carry, and the telephone area code.
 */
export interface City {
  name: string;
  zh: string;
  division: string;
  area: string;
}

const list = [
  ['Shanghai', '上海', '310000', '21'],
  ['Beijing', '北京', '110000', '10'],
  ['Tianjin', '天津', '120000', '22'],
  ['Chongqing', '重庆', '500000', '23'],
  ['Shenzhen', '深圳', '440300', '755'],
  ['Guangzhou', '广州', '440100', '20'],
  ['Foshan', '佛山', '440600', '757'],
  ['Zhuhai', '珠海', '440400', '756'],
  ['Dongguan', '东莞', '441900', '769'],
  ['Jiangmen', '江门', '440700', '750'],
  ['Hangzhou', '杭州', '330100', '571'],
  ['Ningbo', '宁波', '330200', '574'],
  ['Jiaxing', '嘉兴', '330400', '573'],
  ['Shaoxing', '绍兴', '330600', '575'],
  ['Suzhou', '苏州', '320500', '512'],
  ['Wuxi', '无锡', '320200', '510'],
  ['Jiangyin', '江阴', '320281', '510'],
  ['Changzhou', '常州', '320400', '519'],
  ['Nanjing', '南京', '320100', '25'],
  ['Taizhou', '泰州', '321200', '523'],
  ['Hefei', '合肥', '340100', '551'],
  ['Wuhan', '武汉', '420100', '27'],
  ['Changsha', '长沙', '430100', '731'],
  ['Chengdu', '成都', '510100', '28'],
  ["Xi'an", '西安', '610100', '29'],
  ['Zhengzhou', '郑州', '410100', '371'],
  ['Qingdao', '青岛', '370200', '532'],
  ['Weifang', '潍坊', '370700', '536'],
  ['Xiamen', '厦门', '350200', '592'],
  ['Fuzhou', '福州', '350100', '591'],
  ['Yichun', '宜春', '360900', '795'],
  ['Hohhot', '呼和浩特', '150100', '471'],
  ['Cangzhou', '沧州', '130900', '317'],
  ['Shenyang', '沈阳', '210100', '24'],
] as const;

export const CITIES: ReadonlyMap<string, City> = new Map(
  list.map(([name, zh, division, area]) => [name, { name, zh, division, area }]),
);

export function city(name: string): City {
  const c = CITIES.get(name);
  if (!c) throw new RangeError(`unknown seed city ${name}`);
  return c;
}
