import { Migration } from '@mikro-orm/migrations';

export class Migration20261128190233_outbox_dead_letters extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "outbox_dead_letter" ("id" uuid not null, "consumer" varchar(64) not null, "txid" xid8 not null, "seq" bigint not null, "topic" varchar(64) not null, "aggregate_id" varchar(64) not null, "payload" jsonb not null, "occurred_at" timestamptz(3) not null, "error" varchar(1000) not null, "attempts" int not null, "first_failed_at" timestamptz(3) not null, "last_failed_at" timestamptz(3) not null, "resolved_at" timestamptz(3) null, "resolved_by" varchar(120) null, "resolution" varchar(1000) null, constraint "outbox_dead_letter_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_dead_letter_unresolved_idx" on "outbox_dead_letter" ("consumer") where "resolved_at" is null;`);
    this.addSql(`alter table "outbox_dead_letter" add constraint "outbox_dead_letter_event_uidx" unique ("consumer", "txid", "seq");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "outbox_dead_letter" cascade;`);
  }

}
