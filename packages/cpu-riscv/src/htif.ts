/**
 * The `htif` component: Berkeley HTIF through the `tohost`/`fromhost` words, as Spike and
 * QEMU's `-M spike` provide it, plus the ELF loading bare-metal tests need.
 *
 * tohost layout: device [63:56], command [55:48], payload [47:0].
 * - device 0, command 0, payload bit 0 set: exit with code payload >> 1.
 * - device 1, command 1: putchar (payload & 0xff); answered through fromhost.
 * tohost lives in RAM, so the device polls it in virtual time (every `poll` ns, default
 * 10 µs: one scheduler quantum), the way Spike polls it between instruction batches.
 */

import { defineComponent, address, file, ref, SimError, type Component, type ComponentContext, type ConsolePort, type Timer } from '@tessera/core';
import { parseElf, EM_RISCV, type ElfImage } from './elf.js';
import type { RiscvCluster } from './cluster.js';

export interface HtifOptions {
  elf?: string;
  harts?: string;
  tohost?: number;
  fromhost?: number;
  console?: string;
  poll?: number;
}

export const htif = defineComponent<HtifOptions>({
  description: 'HTIF tohost/fromhost (exit code, console) and an ELF loader for bare-metal programs',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      elf: file('ELF to load at reset (default: boot.kernel / --kernel)'),
      harts: ref('riscv-hart cluster', 'harts that start at the ELF entry point'),
      tohost: address('address of tohost (default: the ELF symbol `tohost`)'),
      fromhost: address('address of fromhost (default: the ELF symbol `fromhost`)'),
      console: { type: 'string', description: 'console for device 1 output (default stdio)' },
      poll: { type: 'integer', minimum: 100, description: 'polling interval of tohost in ns (default 10000)' },
    },
  },
  create(ctx: ComponentContext, o: HtifOptions): Component {
    const elfPath = o.elf ?? ctx.boot.kernel;
    let image: ElfImage | undefined;
    if (elfPath !== undefined) {
      const bytes = ctx.readFile(elfPath, 'ELF program');
      try {
        image = parseElf(bytes);
      } catch (e) {
        throw new SimError(`'${elfPath}' cannot be loaded: ${(e as Error).message}`);
      }
      if (image.machine !== EM_RISCV) throw new SimError(`'${elfPath}' is not a RISC-V ELF (e_machine ${image.machine})`);
    }
    const tohost = o.tohost ?? image?.symbols.get('tohost');
    const fromhost = o.fromhost ?? image?.symbols.get('fromhost');
    // Without an address the machine can still be validated and its device tree written;
    // running it is what needs one.
    const missing = (): SimError => new SimError(`htif '${ctx.name}': no tohost address`, 'give `tohost:` or an ELF with a `tohost` symbol (--kernel prog.elf)');
    const cluster = o.harts !== undefined ? ctx.ref<RiscvCluster>(o.harts) : undefined;
    const port: ConsolePort = ctx.console(o.console ?? 'stdio');
    const bus = ctx.system;
    let timer: Timer | undefined;
    const poll = o.poll ?? 10_000;
    const check = (): void => {
      if (tohost === undefined) return;
      const v = bus.read64(tohost);
      if (v !== 0n) {
        const dev = Number(v >> 56n);
        const cmd = Number((v >> 48n) & 0xffn);
        const payload = v & 0xffff_ffff_ffffn;
        if (dev === 0 && cmd === 0 && (payload & 1n) === 1n) {
          bus.write64(tohost, 0n);
          ctx.machine.powerOff(Number((payload >> 1n) & 0x7fffffffn), ctx.name);
          return;
        }
        if (dev === 1 && cmd === 1) {
          port.write([Number(payload & 0xffn)]);
          if (fromhost !== undefined) bus.write64(fromhost, (1n << 56n) | (1n << 48n));
        }
        // Other requests (syscall proxying) are not implemented: acknowledged and ignored.
        bus.write64(tohost, 0n);
      }
      timer!.setAfter(poll);
    };
    return {
      api: { tohost, fromhost, entry: image?.entry },
      reset() {
        if (tohost === undefined) throw missing();
        if (image !== undefined) {
          for (const s of image.segments) {
            const buf = new Uint8Array(s.memsz);
            buf.set(s.data);
            if (!bus.writeBytes(s.paddr, buf)) {
              throw new SimError(`'${elfPath}': segment at 0x${s.paddr.toString(16)} (${s.memsz} bytes) is not in RAM`);
            }
          }
          if (cluster !== undefined) for (const h of cluster.harts) h.setPc(image.entry);
        }
        if (timer === undefined) timer = ctx.scheduler.timer(check);
        timer.setAfter(poll);
      },
      dispose() {
        timer?.cancel();
      },
      deviceTree(dt) {
        // As Spike and QEMU's spike machine describe it.
        dt.root.child('htif').str('compatible', 'ucb,htif0');
      },
    };
  },
});
