/**
 * @tessera/board-riscv-virt — the pieces of QEMU's RISC-V `virt` board that are not
 * interrupt controllers or UARTs: the SiFive test finisher and the boot ROM / loader.
 *
 * Component types: `sifive-test`, `riscv-virt-boot`.
 */

import {
  address,
  defineComponent,
  definePlugin,
  ref,
  SimError,
  writeDtb,
  type Component,
  type RamRegion,
} from '@tessera/core';
import { SifiveTest } from './sifive-test.js';
import { planBoot, resetVector, ROM_BASE, ROM_SIZE, writeChosen, FW_DYNAMIC_INFO_NEXT_MODE_S, type BootPlan, type FirmwareKind } from './boot.js';

export * from './sifive-test.js';
export * from './boot.js';

interface SifiveTestOptions {
  base: number;
}

const sifiveTest = defineComponent<SifiveTestOptions>({
  description: 'SiFive test finisher: 0x5555 powers off (exit 0), 0x3333|code<<16 fails with code, 0x7777 reboots',
  schema: {
    type: 'object',
    required: ['base'],
    additionalProperties: false,
    properties: { base: address('physical base address (QEMU virt: 0x100000)') },
  },
  create(ctx, o): Component {
    ctx.system.addMmio(ctx.name, o.base, 0x1000, new SifiveTest(ctx.machine, ctx.name, ctx.events));
    return {
      deviceTree(dt) {
        const n = dt.soc.child(`test@${o.base.toString(16)}`);
        n.strs('compatible', 'sifive,test1', 'sifive,test0', 'syscon');
        n.reg([o.base, 0x1000]);
        const ph = n.phandle();
        // Linux's syscon-poweroff/-reboot drivers and OpenSBI's fdt_reset find the finisher here.
        dt.root.child('poweroff').str('compatible', 'syscon-poweroff').cells('regmap', ph).cells('offset', 0).cells('value', 0x5555);
        dt.root.child('reboot').str('compatible', 'syscon-reboot').cells('regmap', ph).cells('offset', 0).cells('value', 0x7777);
        dt.register(n);
      },
    };
  },
});

interface BootComponentOptions {
  ram: string;
  stdout?: string;
  'firmware-kind'?: FirmwareKind | 'auto';
  'boot-hart'?: number;
}

const riscvVirtBoot = defineComponent<BootComponentOptions>({
  description: 'QEMU virt boot ROM at 0x1000 and loader for firmware, kernel, initrd and the DTB (fw_dynamic info in a2)',
  schema: {
    type: 'object',
    required: ['ram'],
    additionalProperties: false,
    properties: {
      ram: ref('a RAM region', 'the main RAM, where images and the DTB go'),
      stdout: ref('a serial port', 'console device for /chosen stdout-path'),
      'firmware-kind': { enum: ['auto', 'dynamic', 'jump', 'none'], description: "OpenSBI flavour: 'dynamic' passes fw_dynamic_info in a2 (default auto: by the firmware's file name)" },
      'boot-hart': { type: 'integer', minimum: -1, description: 'fw_dynamic_info boot_hart (default -1: any hart, OpenSBI lottery)' },
    },
  },
  create(ctx, o): Component {
    const ram = ctx.ref<RamRegion>(o.ram);
    if (ram === undefined || typeof (ram as RamRegion).base !== 'number' || (ram as RamRegion).u8 === undefined) {
      throw new SimError(`'${ctx.name}': 'ram: ${o.ram}' is not a RAM region`);
    }
    const rom = ctx.system.addRam(`${ctx.name}.rom`, ROM_BASE, ROM_SIZE, { readonly: true });
    const plan: BootPlan = planBoot({ boot: ctx.boot, ram, firmwareKind: o['firmware-kind'], read: (p, what) => ctx.readFile(p, what) });
    const stdoutPath = (dtPath: (name: string) => string | undefined): string | undefined => (o.stdout !== undefined ? dtPath(o.stdout) : undefined);
    let warned = false;
    return {
      api: { plan },
      deviceTree(dt) {
        dt.root.str('compatible', 'riscv-virtio').str('model', 'riscv-virtio,qemu');
        writeChosen(dt.root, dt.boot, plan, stdoutPath((n) => dt.nodeOf(n)?.path));
      },
      reset() {
        if (ctx.boot.firmware === undefined && ctx.boot.kernel === undefined && !warned) {
          warned = true;
          ctx.log('nothing to boot: give --firmware (e.g. .cache/images/riscv64/fw_jump.elf from pnpm fetch-images) and/or --kernel');
        }
        // RAM was cleared by its own reset (it comes first: we refer to it).
        const dtb = ctx.boot.dtb !== undefined ? ctx.readFile(ctx.boot.dtb, 'device tree') : writeDtb(ctx.machine.deviceTree());
        plan.load(ctx.system, dtb);
        const bytes = resetVector(plan.entry, plan.dtbAddr, {
          nextAddr: plan.nextAddr,
          nextMode: FW_DYNAMIC_INFO_NEXT_MODE_S,
          bootHart: BigInt(o['boot-hart'] ?? -1),
        });
        rom.u8.fill(0);
        rom.load(0, bytes);
      },
    };
  },
});

export default definePlugin({
  name: '@tessera/board-riscv-virt',
  version: '0.1.0',
  description: 'QEMU virt RISC-V board: SiFive test finisher, boot ROM and image loader',
  components: { 'sifive-test': sifiveTest, 'riscv-virt-boot': riscvVirtBoot },
});
