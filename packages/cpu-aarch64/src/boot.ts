/**
 * The `aarch64-boot` component: loads boot images the way QEMU's virt machine does
 * (hw/arm/boot.c) and points core 0 at them.
 *
 * - `boot.firmware` (QEMU `-bios`): a raw image copied to the flash at its base (0x0 on
 *   virt); the DTB goes at the start of RAM, where U-Boot's qemu-arm board looks for it.
 *   Core 0 starts at the flash base.
 * - `boot.kernel`: an arm64 `Image` (gzip accepted) placed text_offset above a 2 MiB aligned
 *   base in RAM (Documentation/arm64/booting.rst), the DTB at the top of RAM, the initrd
 *   above the kernel; core 0 starts at the kernel with X0 = DTB address, X1..X3 = 0.
 *   Secondary cores wait for PSCI CPU_ON.
 * - `boot.append` and the initrd go into /chosen.
 */

import { defineComponent, loadLinuxImage, loadRaw, placeDtb, placeInitrd, readDtb, ref, setChosen, SimError, writeDtb, type Component, type ComponentContext, type FdtNode, type RamRegion } from '@tessera/core';
import type { A64Cluster } from './cluster.js';

export interface A64BootOptions {
  cpus: string;
  ram: string;
  flash?: string;
}

function findCompatible(n: FdtNode, compat: string, path = ''): string | undefined {
  for (const c of n.children) {
    const p = `${path}/${c.name}`;
    if (c.getStrings('compatible')?.includes(compat)) return p;
    const d = findCompatible(c, compat, p);
    if (d !== undefined) return d;
  }
  return undefined;
}

export const aarch64Boot = defineComponent<A64BootOptions>({
  description: 'QEMU-virt style boot for AArch64: -bios firmware in flash with the DTB at RAM start, or an arm64 Image with X0 = DTB',
  schema: {
    type: 'object',
    required: ['cpus', 'ram'],
    additionalProperties: false,
    properties: {
      cpus: ref('an arm-cpu cluster', 'the cluster whose core 0 boots'),
      ram: ref('a ram component', 'main memory (DTB, kernel, initrd)'),
      flash: ref('a rom component', 'flash receiving boot.firmware'),
    },
  },
  create(ctx: ComponentContext, o: A64BootOptions): Component {
    const cluster = ctx.ref<A64Cluster>(o.cpus);
    const ram = ctx.ref<RamRegion>(o.ram);
    const flash = o.flash !== undefined ? ctx.ref<RamRegion>(o.flash) : undefined;
    const boot = ctx.boot;
    if (boot.firmware !== undefined && flash === undefined) {
      throw new SimError(`'${ctx.name}' got a firmware image but has no 'flash' to put it in`, 'add a rom component at 0x0 and name it in flash:');
    }
    const firmware = boot.firmware !== undefined ? ctx.readFile(boot.firmware, 'firmware') : undefined;
    const kernel = boot.kernel !== undefined ? ctx.readFile(boot.kernel, 'kernel') : undefined;
    const initrd = boot.initrd !== undefined ? ctx.readFile(boot.initrd, 'initrd') : undefined;
    const dtbFile = boot.dtb !== undefined ? ctx.readFile(boot.dtb, 'device tree') : undefined;
    if (firmware !== undefined && flash !== undefined && firmware.length > flash.size) {
      throw new SimError(`firmware '${boot.firmware}' (${firmware.length} bytes) is larger than the flash '${o.flash}' (${flash.size} bytes)`);
    }
    const bank = { ramBase: ram.base, ramSize: ram.size };

    function dtbBytes(initrdRange?: { start: number; end: number }): Uint8Array {
      const root = dtbFile !== undefined ? readDtb(dtbFile).root : ctx.machine.deviceTree();
      const chosen = root.child('chosen');
      const stdout = chosen.getStrings('stdout-path') === undefined ? findCompatible(root, 'arm,pl011') : undefined;
      setChosen(root, {
        bootargs: boot.append,
        stdoutPath: stdout,
        initrdStart: initrdRange?.start,
        initrdEnd: initrdRange?.end,
      });
      return writeDtb(root);
    }

    return {
      api: { name: ctx.name },
      reset() {
        const core0 = cluster.core(0);
        if (firmware !== undefined && flash !== undefined) {
          flash.load(0, firmware);
          const dtb = dtbBytes();
          loadRaw(ctx.system, dtb, ram.base, 'device tree');
          core0.setPC(BigInt(flash.base));
          core0.x[0] = 0n;
          cluster.entry = BigInt(flash.base);
          return;
        }
        if (kernel !== undefined) {
          const k = loadLinuxImage(ctx.system, kernel, { ...bank, arch: 'arm64' });
          let range: { start: number; end: number } | undefined;
          if (initrd !== undefined) {
            range = placeInitrd({ ...bank, kernelStart: k.start, kernelEnd: k.end, size: initrd.length });
            loadRaw(ctx.system, initrd, range.start, 'initrd');
          }
          const probe = dtbBytes(range);
          const at = placeDtb({ ...bank, size: probe.length + 4096, above: range?.end ?? k.end });
          loadRaw(ctx.system, probe, at, 'device tree');
          core0.setPC(BigInt(k.start));
          core0.x[0] = BigInt(at);
          core0.x[1] = 0n;
          core0.x[2] = 0n;
          core0.x[3] = 0n;
          cluster.entry = BigInt(k.start);
        }
      },
    };
  },
});
