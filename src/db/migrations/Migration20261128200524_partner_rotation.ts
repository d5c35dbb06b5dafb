import { Migration } from '@mikro-orm/migrations';

export class Migration20261128200524_partner_rotation extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "logistics_partner" add column "previous_webhook_secret_sealed" text null, add column "previous_secret_expires_at" timestamptz(3) null, add column "previous_secret_last_used_at" timestamptz(3) null, add column "secret_rotated_at" timestamptz(3) null;`);
    // The previous webhook secret is kept only with its expiry: never one without the other.
    this.addSql(`alter table "logistics_partner" add constraint logistics_partner_previous_secret_whole check(("previous_webhook_secret_sealed" is null) = ("previous_secret_expires_at" is null));`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "logistics_partner" drop constraint logistics_partner_previous_secret_whole;`);
    this.addSql(`alter table "logistics_partner" drop column "previous_webhook_secret_sealed", drop column "previous_secret_expires_at", drop column "previous_secret_last_used_at", drop column "secret_rotated_at";`);
  }

}
