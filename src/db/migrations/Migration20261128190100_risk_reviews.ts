import { Migration } from '@mikro-orm/migrations';

export class Migration20261128190100_risk_reviews extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "risk_review" ("id" uuid not null, "client_id" uuid not null, "reviewed_on" date not null, "outcome" text check ("outcome" in ('MAINTAIN', 'WATCHLIST', 'REINSTATE', 'REDUCE_EXPOSURE', 'EXIT')) not null, "note" varchar(2000) not null, "reviewer" varchar(120) not null, "tier" text check ("tier" in ('PREMIUM', 'STANDARD', 'SUBPRIME')) null, "score" numeric(5,1) null, "status" text check ("status" in ('PROSPECT', 'ACTIVE', 'WATCHLIST', 'SUSPENDED', 'TERMINATED')) not null, "next_review_on" date null, "created_at" timestamptz(3) not null default clock_timestamp(), constraint "risk_review_pkey" primary key ("id"));`);
    this.addSql(`create index "risk_review_client_idx" on "risk_review" ("client_id", "reviewed_on", "created_at");`);

    this.addSql(`alter table "risk_review" add constraint "risk_review_client_id_foreign" foreign key ("client_id") references "client" ("id") on update cascade;`);

    this.addSql(`alter table "client" add column "next_review_on" date null;`);
    this.addSql(`create index "client_next_review_idx" on "client" ("next_review_on", "id");`);
    // Backfill, before the constraint holds it: each ACTIVE (quarterly) and WATCHLIST (monthly)
    // client is next due on the first anniversary of its creation, every cadence, after today, so
    // that existing clients fall due spread over the coming quarter rather than all on one day.
    // Business dates are China Standard Time (UTC+8, no daylight saving), as in the code;
    // `anniversaryReviewOn` (src/clients/review-schedule.ts) computes the same. The series only
    // tries the three cadences around the months elapsed, one of which is the answer.
    this.addSql(`
      update "client" c
         set "next_review_on" = (
           select min(due) from (
             select (s.created_on + make_interval(months => k * s.months))::date as due
               from generate_series(
                      greatest(1, s.elapsed / s.months),
                      greatest(1, s.elapsed / s.months) + 2) as k
           ) candidates where due > s.today)
        from (
          select x.id, x.created_on, x.today, x.months,
                 greatest(0, (extract(year from x.today)::int - extract(year from x.created_on)::int) * 12
                           + extract(month from x.today)::int - extract(month from x.created_on)::int - 1) as elapsed
            from (
              select id,
                     ((created_at at time zone 'UTC') + interval '8 hours')::date as created_on,
                     ((now() at time zone 'UTC') + interval '8 hours')::date as today,
                     case status when 'WATCHLIST' then 1 else 3 end as months
                from "client"
               where status in ('ACTIVE', 'WATCHLIST')) x
        ) s
       where c.id = s.id;`);
    this.addSql(`alter table "client" add constraint client_next_review_chk check(("status" = any (array['ACTIVE'::text, 'WATCHLIST'::text])) = ("next_review_on" is not null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "risk_review" cascade;`);

    this.addSql(`drop index "client_next_review_idx";`);
    this.addSql(`alter table "client" drop constraint client_next_review_chk;`);
    this.addSql(`alter table "client" drop column "next_review_on";`);
  }

}
