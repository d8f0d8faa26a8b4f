/**
 * The admin's station page: every station login (role, state, last transaction), add one, give one
 * a new password, revoke one. A new password is shown once here, with the station's config file to
 * download (and its QR when it is short enough); the server keeps only hashes. Below: which station
 * made which transaction, and the Mosquitto files for schools running Mosquitto.
 */
import { useEffect, useState } from 'preact/hooks';
import type { StationCredential } from '../../src/stations/store.ts';
import { ApiError } from '../adapter/api.ts';
import { getJson, sendJson } from '../adapter/http.ts';
import { formatTime, reasonText, roleText, type Bilingual } from '../i18n.ts';
import { Bi } from './Bi.tsx';

interface Handout {
  station: StationCredential;
  password: string;
  config: Record<string, unknown> | null;
  broker: { mqttUrl: string; username: string; password: string; statusTopic: string };
  qrSvg: string | null;
}

interface Activity {
  device: string;
  transactions: number;
  lastAt: string;
  loans: number;
}

interface Transaction {
  id: string;
  device: string;
  type: string;
  at: string;
  status: string;
  loans: number;
}

const ROLES = ['kiosk', 'dropbox', 'desk', 'counter'] as const;

const text = {
  title: { vi: 'Trạm', en: 'Stations' },
  device: { vi: 'Mã trạm', en: 'Device id' },
  role: { vi: 'Vai trò', en: 'Role' },
  state: { vi: 'Trạng thái', en: 'State' },
  active: { vi: 'Đang dùng', en: 'Active' },
  revoked: { vi: 'Đã thu hồi', en: 'Revoked' },
  lastTx: { vi: 'Giao dịch gần nhất', en: 'Last transaction' },
  txCount: { vi: 'Số giao dịch', en: 'Transactions' },
  add: { vi: 'Thêm trạm', en: 'Add station' },
  brokerUrl: { vi: 'Địa chỉ MQTT cho trạm (để trống: máy chủ này)', en: 'MQTT address for the station (empty: this server)' },
  replace: { vi: 'Cấp mật khẩu mới', en: 'New password' },
  revoke: { vi: 'Thu hồi', en: 'Revoke' },
  confirmRevoke: (d: string) => `Thu hồi trạm ${d}? Trạm sẽ bị ngắt ngay. / Revoke ${d}? It is disconnected at once.`,
  confirmReplace: (d: string) => `Cấp mật khẩu mới cho ${d}? Mật khẩu cũ hết hiệu lực ngay. / New password for ${d}? The old one stops working at once.`,
  once: (d: string, p: string): Bilingual => ({
    vi: `Mật khẩu của trạm ${d}: ${p} — chỉ hiện lần này. Tải tệp cấu hình và chép sang trạm.`,
    en: `Password of station ${d}: ${p} — shown only now. Download the config file and copy it to the station.`,
  }),
  download: { vi: 'Tải tệp cấu hình', en: 'Download config file' },
  downloadBroker: { vi: 'Tải thông tin đăng nhập MQTT (ESPHome)', en: 'Download MQTT login (ESPHome)' },
  noQr: { vi: 'Tệp cấu hình quá dài cho mã QR: hãy dùng tệp tải về.', en: 'The config is too long for a QR code: use the downloaded file.' },
  mosquitto: { vi: 'Ghi tệp mật khẩu và ACL cho Mosquitto', en: 'Write the Mosquitto password and ACL files' },
  mosquittoDone: (acl: string, pw: string): Bilingual => ({ vi: `Đã ghi ${acl} và ${pw}. Nạp lại Mosquitto.`, en: `Wrote ${acl} and ${pw}. Reload Mosquitto.` }),
  transactions: { vi: 'Giao dịch theo trạm', en: 'Transactions by station' },
  all: { vi: 'Tất cả các trạm', en: 'All stations' },
  when: { vi: 'Lúc', en: 'When' },
  type: { vi: 'Loại', en: 'Type' },
  result: { vi: 'Kết quả', en: 'Result' },
  loans: { vi: 'Sách cho mượn', en: 'Loans' },
};

function download(name: string, json: unknown): void {
  const url = URL.createObjectURL(new Blob([`${JSON.stringify(json, null, 2)}\n`], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function StationAdmin() {
  const [rows, setRows] = useState<StationCredential[]>([]);
  const [activity, setActivity] = useState<Record<string, Activity>>({});
  const [txs, setTxs] = useState<Transaction[]>([]);
  const [filter, setFilter] = useState('');
  const [device, setDevice] = useState('');
  const [role, setRole] = useState<string>('kiosk');
  const [mqttUrl, setMqttUrl] = useState('');
  const [handout, setHandout] = useState<Handout | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: Bilingual } | null>(null);

  const load = () =>
    Promise.all([
      getJson<StationCredential[]>('/api/stations/credentials').then(setRows),
      getJson<Activity[]>('/api/transactions/by-station').then((a) => setActivity(Object.fromEntries(a.map((x) => [x.device, x])))),
    ]).catch(() => undefined);
  useEffect(() => {
    void load();
  }, []);
  useEffect(() => {
    getJson<Transaction[]>(`/api/transactions?limit=100${filter ? `&device=${encodeURIComponent(filter)}` : ''}`)
      .then(setTxs)
      .catch(() => undefined);
  }, [filter]);

  async function act(fn: () => Promise<void>) {
    setMsg(null);
    try {
      await fn();
    } catch (err) {
      setHandout(null);
      setMsg({ ok: false, text: err instanceof ApiError && err.reason ? reasonText(err.reason) : { vi: 'Lỗi', en: 'Error' } });
    }
    await load();
  }

  const url = mqttUrl.trim() ? { mqttUrl: mqttUrl.trim() } : {};

  return (
    <section class="station-admin" data-testid="station-admin">
      <h2>
        <Bi text={text.title} />
      </h2>
      {msg && (
        <p class={msg.ok ? 'notice ok' : 'error'} role="status" data-testid="stations-message">
          <Bi text={msg.text} />
        </p>
      )}
      {handout && (
        <div class="notice ok" role="status" data-testid="station-handout" data-device={handout.station.device}>
          <p>
            <Bi text={text.once(handout.station.device, handout.password)} />
          </p>
          {handout.config ? (
            <button type="button" class="btn primary" data-testid="download-config" onClick={() => download(`${handout.station.device}.json`, handout.config)}>
              <Bi text={text.download} />
            </button>
          ) : (
            <button type="button" class="btn primary" data-testid="download-broker" onClick={() => download(`${handout.station.device}-mqtt.json`, handout.broker)}>
              <Bi text={text.downloadBroker} />
            </button>
          )}
          {handout.qrSvg ? (
            // The SVG is built by the server's own QR encoder from the handout, no user markup.
            <div class="qr" data-testid="station-qr" dangerouslySetInnerHTML={{ __html: handout.qrSvg }} />
          ) : (
            <p class="muted small">
              <Bi text={text.noQr} />
            </p>
          )}
        </div>
      )}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              {[text.device, text.role, text.state, text.txCount, text.lastTx].map((h) => (
                <th key={h.en}>
                  <Bi text={h} />
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.device} data-testid="credential-row" data-device={s.device} data-revoked={s.revokedAt ? 'true' : 'false'}>
                <td>
                  <code>{s.device}</code>
                </td>
                <td>
                  <Bi text={roleText[s.role as keyof typeof roleText] ?? { vi: s.role, en: s.role }} />
                </td>
                <td>
                  <span class={s.revokedAt ? 'badge bad' : 'badge ok'}>
                    <Bi text={s.revokedAt ? text.revoked : text.active} />
                  </span>
                </td>
                <td>{activity[s.device]?.transactions ?? 0}</td>
                <td>{activity[s.device] ? formatTime(activity[s.device]!.lastAt) : '—'}</td>
                <td class="actions">
                  {!s.revokedAt && (
                    <>
                      <button
                        type="button"
                        class="btn"
                        data-testid="replace"
                        onClick={() =>
                          confirm(text.confirmReplace(s.device)) &&
                          void act(async () => setHandout(await sendJson<Handout>('POST', `/api/stations/credentials/${encodeURIComponent(s.device)}/replace`, url)))
                        }
                      >
                        <Bi text={text.replace} />
                      </button>
                      <button
                        type="button"
                        class="btn"
                        data-testid="revoke"
                        onClick={() =>
                          confirm(text.confirmRevoke(s.device)) &&
                          void act(async () => {
                            await sendJson('POST', `/api/stations/credentials/${encodeURIComponent(s.device)}/revoke`, {});
                            setHandout(null);
                          })
                        }
                      >
                        <Bi text={text.revoke} />
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form
        class="form inline"
        data-testid="station-add"
        onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            setHandout(await sendJson<Handout>('POST', '/api/stations/credentials', { device: device.trim(), role, ...url }));
            setDevice('');
          });
        }}
      >
        <label>
          <Bi text={text.device} />
          <input required pattern="[A-Za-z0-9_\-]{1,64}" autocomplete="off" autocapitalize="off" value={device} data-testid="new-device" onInput={(e) => setDevice(e.currentTarget.value)} />
        </label>
        <label>
          <Bi text={text.role} />
          <select value={role} data-testid="new-station-role" onChange={(e) => setRole(e.currentTarget.value)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {roleText[r as keyof typeof roleText]?.vi ?? r} / {roleText[r as keyof typeof roleText]?.en ?? r}
              </option>
            ))}
          </select>
        </label>
        <label>
          <Bi text={text.brokerUrl} />
          <input placeholder="mqtt://192.168.1.10:1883" autocomplete="off" value={mqttUrl} onInput={(e) => setMqttUrl(e.currentTarget.value)} />
        </label>
        <button type="submit" class="btn primary">
          <Bi text={text.add} />
        </button>
      </form>
      <p>
        <button
          type="button"
          class="btn"
          data-testid="mosquitto-files"
          onClick={() =>
            void act(async () => {
              const r = await sendJson<{ aclFile: string; passwordFile: string }>('POST', '/api/stations/mosquitto', {});
              setMsg({ ok: true, text: text.mosquittoDone(r.aclFile, r.passwordFile) });
            })
          }
        >
          <Bi text={text.mosquitto} />
        </button>
      </p>
      <h3>
        <Bi text={text.transactions} />
      </h3>
      <label>
        <Bi text={text.device} />{' '}
        <select value={filter} data-testid="tx-filter" onChange={(e) => setFilter(e.currentTarget.value)}>
          <option value="">
            {text.all.vi} / {text.all.en}
          </option>
          {rows.map((s) => (
            <option key={s.device} value={s.device}>
              {s.device}
            </option>
          ))}
        </select>
      </label>
      <div class="table-wrap">
        <table data-testid="transactions">
          <thead>
            <tr>
              {[text.when, text.device, text.type, text.result, text.loans].map((h) => (
                <th key={h.en}>
                  <Bi text={h} />
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {txs.map((t) => (
              <tr key={t.id} data-testid="tx-row" data-device={t.device}>
                <td>{formatTime(t.at)}</td>
                <td>
                  <code>{t.device}</code>
                </td>
                <td>{t.type}</td>
                <td>
                  <span class={t.status === 'ok' ? 'badge ok' : 'badge bad'}>{t.status}</span>
                </td>
                <td>{t.loans}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
