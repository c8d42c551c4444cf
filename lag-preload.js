import { monitorEventLoopDelay } from 'node:perf_hooks';
const h = monitorEventLoopDelay({ resolution: 10 }); h.enable();
setInterval(() => { if (h.max > 2e8) console.error(`LAG max ${(h.max/1e6).toFixed(0)} ms p99 ${(h.percentile(99)/1e6).toFixed(0)}`); h.reset(); }, 1000).unref();
