import { it } from 'vitest';
import { runGuest } from './harness.js';
it('dbg', async () => {
  const [elf, opts] = (process.env.DBG ?? 'vm.elf|{}').split('|');
  const ev: unknown[] = [];
  const r = await runGuest(elf!, JSON.parse(opts ?? '{}'), 5e6, (e) => { ev.push(e); if (ev.length > 60) ev.length = 60; });
  for (const e of ev.slice(0, 60)) console.log(JSON.stringify(e));
  const h = r.cluster.harts[0]!;
  console.log(r.stop, 'pc', h.pc.toString(16), 'priv', h.priv, 'virt', h.virt, 'mcause', h.mcause, 'mepc', h.mepc.toString(16), 'mtval', h.mtval.toString(16), 's7', h.x[23], 'scause', h.scause, 'sepc', h.sepc.toString(16));
});
