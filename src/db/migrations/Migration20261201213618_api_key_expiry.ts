import { Migration } from '@mikro-orm/migrations';

export class Migration20261201213618_api_key_expiry extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "api_key" add column "expires_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "api_key" drop column "expires_at";`);
  }

}
