/**
 * HTTPS for the dashboard, for schools that expose it beyond the office: a certificate the school
 * provides (`server.https.certFile` + `keyFile`, PEM), or one made at the first start
 * (`server.https.selfSigned`) with the openssl CLI into `<dataDir>/server/tls/` and reused after.
 * Browsers warn about a self-signed certificate until it is trusted on each device
 * (docs/operations.md says how).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type HttpsOption = { certFile: string; keyFile: string } | { selfSigned: true; hosts?: string[] };

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
  certFile: string;
  keyFile: string;
  /** True when this start made the certificate. */
  created: boolean;
}

export class HttpsConfigError extends Error {
  override name = 'HttpsConfigError';
}

/** The certificate and key to serve, making the self-signed pair when asked and missing. */
export function loadTls(opt: HttpsOption, dataDir: string): TlsFiles {
  if ('certFile' in opt) {
    for (const f of [opt.certFile, opt.keyFile]) {
      if (!existsSync(f)) throw new HttpsConfigError(`server.https: ${f} does not exist (a PEM certificate and its key)`);
    }
    return { cert: readFileSync(opt.certFile), key: readFileSync(opt.keyFile), certFile: opt.certFile, keyFile: opt.keyFile, created: false };
  }
  const dir = join(dataDir, 'server', 'tls');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  let created = false;
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const names = ['localhost', ...(opt.hosts ?? [])];
    const san = [...new Set(names)].map((h) => (/^[\d.]+$|:/.test(h) ? `IP:${h}` : `DNS:${h}`));
    san.push('IP:127.0.0.1');
    try {
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '3650', '-subj', '/CN=OpenShelf dashboard',
          '-addext', `subjectAltName=${[...new Set(san)].join(',')}`, '-keyout', keyFile, '-out', certFile],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
    } catch (err) {
      throw new HttpsConfigError(`server.https.selfSigned: openssl could not make the certificate (apt-get install openssl): ${(err as Error).message}`);
    }
    created = true;
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), certFile, keyFile, created };
}
