/**
 * The Mosquitto files for a school's config, from the same access table (core/access.ts) and the
 * same accounts (server + every device of `server.devices`) the embedded broker uses:
 *
 *   node --import tsx scripts/mosquitto-acl.ts [config.json]                 the acl_file, on stdout
 *   node --import tsx scripts/mosquitto-acl.ts config.json --acl <file> --passwd <file>
 *                                                                             both files, mode 0640
 *
 * The password file holds PBKDF2-SHA512 hashes in mosquitto 2.0's `$7$` format (what
 * `mosquitto_passwd` writes), made here so no password ever appears on a command line.
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfigOrExit } from '#core/node/load-config.ts';
import { mosquittoAcl } from '#core/access.ts';
import { brokerAccounts } from '#server/broker/accounts.ts';

/** Mosquitto 2.0's default PBKDF2 iteration count (mosquitto_passwd -I). */
const ITERATIONS = 101;

/** One password_file line: `user:$7$iterations$base64(salt)$base64(PBKDF2-SHA512(password, salt))`. */
export function mosquittoPasswordLine(username: string, password: string, salt: Buffer = randomBytes(12)): string {
  if (username.includes(':')) throw new Error(`a Mosquitto username cannot contain ":" (${username})`);
  const hash = pbkdf2Sync(password, salt, ITERATIONS, 64, 'sha512');
  return `${username}:$7$${ITERATIONS}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** The whole password_file for these accounts, one line each. */
export function mosquittoPasswordFile(accounts: { username: string; password: string }[]): string {
  return `${accounts.map((a) => mosquittoPasswordLine(a.username, a.password)).join('\n')}\n`;
}

/** Writes next to the target and renames, so mosquitto never reads half a file; 0640 (root:mosquitto on the server). */
function writeSecretFile(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o640 });
  chmodSync(tmp, 0o640);
  renameSync(tmp, file);
}

function main(): void {
  const args = process.argv.slice(2);
  let aclOut: string | undefined;
  let passwdOut: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--acl' || a === '--passwd') {
      const v = args[++i];
      if (!v) {
        console.error(`Lỗi: thiếu tên tệp sau ${a}\nError: missing file name after ${a}`);
        process.exit(2);
      }
      if (a === '--acl') aclOut = v;
      else passwdOut = v;
    } else positional.push(a);
  }
  const config = loadConfigOrExit(positional[0]);
  if (!config.server) {
    console.error('Lỗi: cấu hình này không có phần "server"\nError: this config has no "server" section: the ACL lists the server and its devices');
    process.exit(2);
  }
  const accounts = brokerAccounts(config);
  const acl = mosquittoAcl(config.school.id, accounts);
  if (!aclOut && !passwdOut) {
    process.stdout.write(acl);
    return;
  }
  if (aclOut) writeSecretFile(aclOut, acl);
  if (passwdOut) writeSecretFile(passwdOut, mosquittoPasswordFile(accounts));
  console.log(`${accounts.length} tài khoản / accounts: ${accounts.map((a) => `${a.username} (${a.role})`).join(', ')}`);
  if (aclOut) console.log(`acl_file      → ${aclOut}`);
  if (passwdOut) console.log(`password_file → ${passwdOut}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main();
