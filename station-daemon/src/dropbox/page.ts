/**
 * The drop box's own status page (http://localhost:8081 in the simulation): the bin, the last drops
 * and the signals, Vietnamese first. One static HTML document that polls /api/dropbox; no build step.
 */
export function statusPage(a: { device: string; schoolName: string; sim: boolean }): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Hộp trả sách ${esc(a.device)} · Drop box</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1b1f24; }
  header { background: #1f4e79; color: #fff; padding: 12px 16px; }
  header small, .en { opacity: .75; font-size: .85em; }
  main { max-width: 860px; margin: 0 auto; padding: 16px; display: grid; gap: 16px; }
  section { background: #fff; border-radius: 8px; padding: 12px 16px; box-shadow: 0 1px 2px #0002; }
  h2 { margin: 0 0 8px; font-size: 1.1em; }
  .count { font-size: 2.4em; font-weight: 700; }
  .bar { height: 14px; background: #e3e7ec; border-radius: 7px; overflow: hidden; }
  .bar > div { height: 100%; background: #2e7d32; }
  .warn .bar > div { background: #c62828; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: .85em; background: #e3e7ec; }
  .ok { background: #d7f0da; } .bad { background: #fbd9d9; }
  table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid #eee; font-size: .95em; }
  code { font-size: .9em; }
</style>
</head>
<body>
<header><strong>Hộp trả sách <code>${esc(a.device)}</code></strong> <small>Drop box · ${esc(a.schoolName)}</small></header>
<main>
  <section id="bin" aria-live="polite">
    <h2>Thùng sách <span class="en">Bin</span></h2>
    <div><span class="count" data-testid="bin-count">–</span> <span id="cap"></span></div>
    <div class="bar"><div id="fill" style="width:0"></div></div>
    <p id="binnote"></p>
  </section>
  <section>
    <h2>Trạng thái <span class="en">State</span></h2>
    <p id="state"></p>
  </section>
  <section>
    <h2>Sách vừa thả <span class="en">Last drops</span></h2>
    <table><thead><tr><th>Giờ <span class="en">Time</span></th><th>Mã sách <span class="en">Item</span></th><th>Tên <span class="en">Title</span></th><th>Kết quả <span class="en">Result</span></th></tr></thead>
    <tbody id="drops"></tbody></table>
  </section>
  ${a.sim ? `<section><h2>Mô phỏng <span class="en">Simulator</span></h2><p>Thả sách vào khe / drop books into the slot:</p><pre>POST /api/sim/rfid {"tags": ["30001000000606", {"itemId": "123", "owner": "VN-KHAC"}]}</pre></section>` : ''}
</main>
<script>
const OUT = {
  RETURNED: ['Đã nhận trả', 'Returned', 'ok'], REPLAYED: ['Đã nhận trả (sau khi khởi động lại)', 'Returned (after restart)', 'ok'],
  NOT_ON_LOAN: ['Không có ai mượn', 'Not on loan', 'bad'], ITEM_UNKNOWN: ['Không có trong danh mục', 'Not in catalogue', 'bad'],
  FOREIGN_ITEM: ['Sách thư viện khác', 'Another library', 'bad'], TAG_UNREADABLE: ['Thẻ không đọc được', 'Unreadable tag', 'bad'],
  CHECKIN_REFUSED: ['Máy chủ từ chối', 'Refused', 'bad'],
};
const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => '&#' + c.charCodeAt(0) + ';');
const time = (iso) => iso ? new Date(iso).toLocaleTimeString('vi-VN') : '';
async function refresh() {
  try {
    const s = await (await fetch('/api/dropbox')).json();
    const b = s.bin;
    document.querySelector('[data-testid=bin-count]').textContent = b.count;
    document.getElementById('cap').innerHTML = '/ ' + b.capacity + ' cuốn <span class="en">items</span>';
    document.getElementById('fill').style.width = Math.min(100, 100 * b.count / b.capacity) + '%';
    document.getElementById('bin').className = b.nearlyFull ? 'warn' : '';
    document.getElementById('binnote').innerHTML =
      (b.sensorFull ? '<span class="badge bad">Thùng đầy (cảm biến) <span class="en">Full (sensor)</span></span> ' :
       b.nearlyFull ? '<span class="badge bad">Thùng sắp đầy <span class="en">Nearly full</span></span> ' : '') +
      'Lần lấy sách gần nhất <span class="en">Last emptied</span>: ' + (b.emptiedAt ? esc(new Date(b.emptiedAt).toLocaleString('vi-VN')) : '—');
    document.getElementById('state').innerHTML =
      (s.online ? '<span class="badge ok">Kết nối máy chủ <span class="en">Online</span></span>' : '<span class="badge bad">Mất kết nối, vẫn nhận sách <span class="en">Offline, still accepting</span></span>') +
      ' · Chờ gửi <span class="en">pending</span>: ' + s.pending +
      (s.lastSignal ? ' · Tín hiệu <span class="en">signal</span>: <span class="badge ' + (s.lastSignal.kind === 'ok' ? 'ok' : 'bad') + '">' + esc(s.lastSignal.kind) + '</span>' : '');
    document.getElementById('drops').innerHTML = s.drops.map((d) => {
      const o = OUT[d.outcome] || (d.state === 'done' ? [d.outcome, d.outcome, 'bad'] : ['Đang xử lý', 'Working', '']);
      return '<tr><td>' + time(d.at) + '</td><td><code>' + esc(d.barcode || d.uids[0]) + '</code></td><td>' + esc(d.title) + '</td><td><span class="badge ' + o[2] + '">' + esc(o[0]) + ' <span class="en">' + esc(o[1]) + '</span></span>' + (d.offline ? ' <span class="en">(offline)</span>' : '') + '</td></tr>';
    }).join('');
  } catch { /* the station restarts: try again */ }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
}
