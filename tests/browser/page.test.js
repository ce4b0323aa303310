// The sandbox's claim page in a real browser: Debian's chromium, headless, driven by
// playwright-core (no browser download: CHROMIUM names the installed one). It opens the page
// a claim link names, checks the timeline's rows and bars against the draft, and plays the
// first render to its end.
//
//   PAGE_URL=http://127.0.0.1:PORT/workspace/claim?ct=... DRAFT_FILE=draft.json \
//   SESSION_NAME=promo RENDER_SECONDS=2.0 [CHROMIUM=/usr/bin/chromium] node page.test.js
//
// Prints one line per check that failed and exits 1, or prints a JSON summary and exits 0.
'use strict';

const fs = require('fs');
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`page.test.js: ${name} is not set`);
    process.exit(2);
  }
  return v;
};

async function main() {
  const url = env('PAGE_URL');
  const draft = JSON.parse(fs.readFileSync(env('DRAFT_FILE'), 'utf8'));
  const name = env('SESSION_NAME');
  const renderSeconds = Number(env('RENDER_SECONDS'));
  const failures = [];
  const expect = (ok, what) => { if (!ok) failures.push(what); };

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // --no-sandbox: CI and containers run the tests as root, where chromium's sandbox cannot start.
    args: ['--no-sandbox', '--autoplay-policy=no-user-gesture-required', '--mute-audio'],
  });
  try {
    const page = await browser.newPage();
    const response = await page.goto(url, { waitUntil: 'load' });
    expect(response.status() === 200, `page: HTTP ${response.status()}`);
    expect((response.headers()['content-type'] || '').startsWith('text/html'), 'page: not text/html');

    expect((await page.textContent('#session-name')).trim() === name, 'the session name is not shown');
    expect((await page.locator('script').count()) === 0, 'the page has a script');

    // The timeline: a row a track, in the draft's order, a bar a segment at its time.
    const rows = await page.$$eval('#timeline .track', (tracks) => tracks.map((t) => {
      const lane = t.querySelector('.lane').getBoundingClientRect();
      return {
        type: Number(t.dataset.type),
        label: t.querySelector('.label').textContent,
        segments: [...t.querySelectorAll('.segment')].map((s) => {
          const box = s.getBoundingClientRect();
          return { st: Number(s.dataset.st), d: Number(s.dataset.d), text: s.textContent,
                   left: (box.left - lane.left) / lane.width, width: box.width / lane.width,
                   visible: box.width > 0 && box.height > 0 };
        }),
      };
    }));
    const total = Number(await page.getAttribute('#timeline', 'data-total-ms'));
    let end = 0;
    for (const t of draft.t) for (const s of t.sg) end = Math.max(end, s.st + s.d);
    expect(total === end, `timeline total ${total} ms, the draft's ${end} ms`);
    expect(rows.length === draft.t.length, `${rows.length} rows, the draft has ${draft.t.length} tracks`);
    draft.t.forEach((track, i) => {
      const row = rows[i];
      if (!row) return;
      expect(row.type === track.tt, `row ${i + 1}: type ${row.type}, the track's ${track.tt}`);
      expect(row.label.startsWith(`${i + 1} `), `row ${i + 1}: label "${row.label}"`);
      expect(row.segments.length === track.sg.length,
        `row ${i + 1}: ${row.segments.length} bars, ${track.sg.length} segments`);
      track.sg.forEach((seg, j) => {
        const bar = row.segments[j];
        if (!bar) return;
        expect(bar.st === seg.st && bar.d === seg.d,
          `row ${i + 1} bar ${j + 1}: ${bar.st}+${bar.d} ms, the segment's ${seg.st}+${seg.d}`);
        // Where it is drawn: its share of the lane is its share of the draft (to a pixel or so).
        expect(Math.abs(bar.left - seg.st / end) < 0.01 && Math.abs(bar.width - seg.d / end) < 0.01,
          `row ${i + 1} bar ${j + 1} is drawn at ${bar.left.toFixed(3)}+${bar.width.toFixed(3)}`);
        expect(bar.visible, `row ${i + 1} bar ${j + 1} is not visible`);
        const words = (seg.m && (seg.m.title || seg.m.text || seg.m.desc)) || '';
        if (words) expect(bar.text.includes(words), `row ${i + 1} bar ${j + 1}: "${bar.text}"`);
      });
    });

    // The render: metadata first (its duration), then played to its end.
    const videos = page.locator('#renders video');
    expect((await videos.count()) >= 1, 'no <video> on the page');
    const video = videos.first();
    const played = await video.evaluate((v) => new Promise((resolve) => {
      const fail = (why) => resolve({ error: why });
      const timer = setTimeout(() => fail(`no "ended" within 60 s (at ${v.currentTime} s)`), 60000);
      v.addEventListener('error', () => fail(`media error ${v.error && v.error.code}`));
      v.addEventListener('ended', () => {
        clearTimeout(timer);
        resolve({ duration: v.duration, currentTime: v.currentTime, ended: v.ended });
      });
      const start = () => {
        v.muted = true;
        v.play().catch((e) => fail(`play(): ${e}`));
      };
      if (v.readyState >= 1) start(); else v.addEventListener('loadedmetadata', start, { once: true });
    }));
    expect(!played.error, `video: ${played.error}`);
    if (!played.error) {
      expect(played.ended, 'video: not ended');
      expect(Math.abs(played.duration - renderSeconds) <= 0.1,
        `video: duration ${played.duration} s, the render's ${renderSeconds} s`);
      expect(Math.abs(played.currentTime - played.duration) <= 0.1,
        `video: ended at ${played.currentTime} of ${played.duration} s`);
    }

    const credits = await page.textContent('#credits-available');
    expect(/^\d+$/.test(credits.trim()), `credits: "${credits}"`);

    if (failures.length) {
      for (const f of failures) console.log(f);
      process.exitCode = 1;
    } else {
      console.log(JSON.stringify({ rows: rows.length, total_ms: total, video: played }));
    }
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.log(`page.test.js: ${e.stack || e}`);
  process.exitCode = 1;
});
