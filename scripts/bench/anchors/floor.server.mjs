// The floor: what one hand-written SQL statement per query costs. node:http and one pg pool, no
// framework; PostgreSQL builds the whole JSON answer and the server writes it as it comes.
//   node floor.server.mjs   (DATABASE_URL, PORT); POST {"name": "<catalogue name>", "first": N}
import { createServer } from 'node:http';
import pg from 'pg';

const SUPPLIERS = `c.kind = 'SUPPLIER' and c.industry = 'AUTOMOTIVE' and c.status = 'ACTIVE'`;

/** Each takes $1 = page size and answers `{ "data": … }` shaped like the hub's answer. */
const SQL = {
  'readme-dashboard': `
    with page as (
      select * from client c where ${SUPPLIERS} order by c.created_at desc, c.id desc limit $1 + 1
    )
    select json_build_object('data', json_build_object('clients', json_build_object(
      'totalCount', (select count(*) from client c where ${SUPPLIERS}),
      'pageInfo', json_build_object('hasNextPage', (select count(*) from page) > $1),
      'edges', coalesce((select json_agg(json_build_object('node', json_build_object(
        'name', p.name, 'creditRating', p.credit_rating, 'relationshipManager', p.relationship_manager, 'lastContactAt', p.last_contact_at,
        'coreEnterprises', (select coalesce(json_agg(json_build_object('name', ce.name) order by ce.name, ce.id), '[]')
                              from client ce where ce.id in (select l.core_enterprise_id from supply_chain_link l where l.counterparty_id = p.id)),
        'contacts', (select coalesce(json_agg(json_build_object('name', k.name, 'title', k.title, 'phone', k.phone) order by k."primary" desc, k.name, k.id), '[]')
                       from contact k where k.client_id = p.id),
        'interactions', json_build_object(
          'totalCount', (select count(*) from interaction i where i.client_id = p.id),
          'edges', (select coalesce(json_agg(json_build_object('node', json_build_object('kind', i.kind, 'occurredAt', i.occurred_at, 'summary', i.summary, 'followUpDueAt', i.follow_up_due_at)) order by i.occurred_at desc, i.id desc), '[]')
                      from (select * from interaction i where i.client_id = p.id order by i.occurred_at desc, i.id desc limit 3) i)),
        'satisfaction', (select json_build_object('surveys', count(*), 'averageScore', avg(f.score)) from feedback f
                          where f.client_id = p.id and f.kind = 'SURVEY' and f.score is not null)
      )) order by p.created_at desc, p.id desc) from (select * from page order by created_at desc, id desc limit $1) p), '[]')
    ))) as body`,
  'client-list': `
    select json_build_object('data', json_build_object('clients', json_build_object('edges',
      coalesce(json_agg(json_build_object('node', json_build_object('id', c.id, 'name', c.name, 'kind', c.kind)) order by c.name, c.id), '[]')
    ))) as body
    from (select id, name, kind from client order by name, id limit $1) c`,
  financings: `
    select json_build_object('data', json_build_object('financings', json_build_object('edges',
      coalesce(json_agg(json_build_object('node', json_build_object(
        'id', f.id, 'product', f.product, 'status', f.status, 'amount', f.amount::text, 'annualRate', f.annual_rate::text,
        'client', (select json_build_object('name', c.name, 'kind', c.kind) from client c where c.id = f.client_id),
        'bucketHistory', (select coalesce(json_agg(json_build_object('asOf', b.as_of, 'fromBucket', b.from_bucket, 'toBucket', b.to_bucket, 'daysPastDue', b.days_past_due) order by b.recorded_at, b.id), '[]')
                            from bucket_change b where b.financing_id = f.id)
      )) order by f.created_at desc, f.id desc), '[]')
    ))) as body
    from (select * from financing order by created_at desc, id desc limit $1) f`,
};

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
// The JSON as PostgreSQL wrote it: no parse and re-serialise in Node.
pg.types.setTypeParser(pg.types.builtins.JSON, (text) => text);

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const { name, first } = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const sql = SQL[name];
      if (!sql) throw new Error(`no such query: ${name}`);
      const { rows } = await pool.query(sql, [Number(first)]);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(rows[0].body);
    } catch (err) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ message: String(err?.message ?? err) }] }));
    }
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log(`floor listening on ${process.env.PORT}`));
process.on('SIGTERM', () => pool.end().finally(() => process.exit(0)));
