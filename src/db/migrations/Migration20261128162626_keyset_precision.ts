import { Migration } from '@mikro-orm/migrations';

export class Migration20261128162626_keyset_precision extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "client" alter column "created_at" type timestamptz(3) using ("created_at"::timestamptz(3));`);
    this.addSql(`alter table "client" alter column "updated_at" type timestamptz(3) using ("updated_at"::timestamptz(3));`);
    this.addSql(`create index "client_name_idx" on "client" ("name", "id");`);
    this.addSql(`create index "client_updated_idx" on "client" ("updated_at", "id");`);

    this.addSql(`alter table "interaction" alter column "occurred_at" type timestamptz(3) using ("occurred_at"::timestamptz(3));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "client_name_idx";`);
    this.addSql(`drop index "client_updated_idx";`);

    this.addSql(`alter table "client" alter column "created_at" type timestamptz(6) using ("created_at"::timestamptz(6));`);
    this.addSql(`alter table "client" alter column "updated_at" type timestamptz(6) using ("updated_at"::timestamptz(6));`);

    this.addSql(`alter table "interaction" alter column "occurred_at" type timestamptz(6) using ("occurred_at"::timestamptz(6));`);
  }

}
