import { launch, DESKTOP } from "./harness.mjs";
const b = await launch();
for (const url of process.argv.slice(2)) {
  const c = await b.newContext(DESKTOP); const p = await c.newPage(); const reqs = [];
  p.on("requestfinished", async (r) => { const res = await r.response(); const body = res ? await res.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0); reqs.push([new URL(r.url()).pathname, body.length]); });
  await p.goto(url, { waitUntil: "networkidle" });
  console.log(url, reqs.length, reqs.reduce((n, r) => n + r[1], 0), JSON.stringify(reqs));
  await c.close();
}
await b.close();
