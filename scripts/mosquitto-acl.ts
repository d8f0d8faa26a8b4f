/**
 * `node --import tsx scripts/mosquitto-acl.ts [config.json]`: prints the Mosquitto acl_file for a
 * school's config, generated from the same access table (core/access.ts) the embedded broker enforces.
 */
import { loadConfig } from '#core/node/load-config.ts';
import { mosquittoAcl } from '#core/access.ts';
import { brokerAccounts } from '#server/broker/accounts.ts';

const config = loadConfig(process.argv[2]);
if (!config.server) {
  console.error('this config has no "server" section: the ACL lists the server and its devices');
  process.exit(2);
}
process.stdout.write(mosquittoAcl(config.school.id, brokerAccounts(config)));
