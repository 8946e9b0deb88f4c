/**
 * Booting Debian's OpenSBI, U-Boot (qemu-riscv64_smode) and Linux on machines/riscv-virt.yaml.
 * Images: `pnpm fetch-images` (.cache/images/riscv64).
 */

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { boot, drive, image, machineFile, repoRoot } from './harness.js';

// Wall-clock limits: a Linux boot is about 1.5 G instructions; on a shared, loaded machine it
// can take many minutes, so the limits are generous (the runs end sooner on an idle one).
const WALL = 900_000;
const LINUX_WALL = 2_400_000;

function ubootSession(firmwareName: string, machine?: string, smp?: number) {
  return async (ctx: { skip: () => void }) => {
    const fw = image(firmwareName);
    const uboot = image('u-boot.bin');
    if (fw === undefined || uboot === undefined) return ctx.skip();
    const { sim, port } = await boot({ firmware: fw, kernel: uboot, ...(machine !== undefined ? { machine } : {}), ...(smp !== undefined ? { smp } : {}) });
    try {
      const r = drive(
        sim,
        port,
        [
          { expect: /OpenSBI v1\.\d+/ },
          { expect: /Hit any key to stop autoboot/, send: ' ' },
          { expect: /=> $/, send: 'version\r' },
          { expect: /U-Boot 20\d\d\.\d+[^\n]*\n[\s\S]*=> $/, send: 'poweroff\r' },
        ],
        { wallMs: WALL },
      );
      expect(r.reached, `stopped before step ${r.reached}; output:\n${r.output.slice(-2000)}`).toBe(4);
      expect(r.output).toMatch(/version\r?\nU-Boot 20\d\d/);
      expect(r.stop?.reason, r.output.slice(-1000)).toBe('poweroff');
      expect(r.stop?.exitCode).toBe(0);
    } finally {
      sim.dispose();
    }
  };
}

describe('riscv-virt boots Debian images', () => {
  it('OpenSBI fw_jump + U-Boot: prompt, version, poweroff exits 0', ubootSession('fw_jump.elf'), WALL + 60_000);

  it('OpenSBI fw_dynamic + U-Boot: prompt, version, poweroff exits 0', ubootSession('fw_dynamic.bin'), WALL + 60_000);

  it(
    'ACLINT variant (MSWI, MTIMER, SSWI), 2 harts: OpenSBI + U-Boot prompt, version, poweroff exits 0',
    ubootSession('fw_jump.bin', path.join(repoRoot, 'machines', 'riscv-virt-aclint.yaml'), 2),
    WALL + 60_000,
  );

  it(
    'OpenSBI + Linux, 2 harts, busybox initramfs: marker, both harts, SBI SRST power-off exits 0',
    async (ctx) => {
      const fw = image('fw_dynamic.bin');
      const kernel = image('Image');
      const initrd = image('initramfs.cpio.gz');
      if (fw === undefined || kernel === undefined || initrd === undefined) return ctx.skip();
      const { sim, port } = await boot({ firmware: fw, kernel, initrd, smp: 2, append: 'console=ttyS0' });
      try {
        const r = drive(sim, port, [{ expect: /smp: Brought up 1 node, 2 CPUs/ }, { expect: /TESSERA-INIT-OK/ }, { expect: /TESSERA-INIT-POWEROFF/ }], { wallMs: LINUX_WALL });
        expect(r.reached, `stopped before step ${r.reached}; output:\n${r.output.slice(-3000)}`).toBe(3);
        expect(r.output).toMatch(/processor\s*: 0/);
        expect(r.output).toMatch(/processor\s*: 1/);
        expect(r.output).toMatch(/hart\s*: 1/);
        expect(r.stop?.reason, r.output.slice(-1000)).toBe('poweroff');
        expect(r.stop?.exitCode).toBe(0);
      } finally {
        sim.dispose();
      }
    },
    LINUX_WALL + 60_000,
  );

  it('a guest that hangs ends at --timeout with a message and a non-zero exit', () => {
    const cli = path.join(repoRoot, 'packages', 'core', 'dist', 'cli', 'main.js');
    expect(fs.existsSync(cli), `${cli} is missing: run 'pnpm build' first`).toBe(true);
    // Firmware that prints nothing and spins: `j .`
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-hang-'));
    const fw = path.join(dir, 'hang.bin');
    fs.writeFileSync(fw, Uint8Array.from([0x6f, 0x00, 0x00, 0x00]));
    const r = spawnSync(process.execPath, [cli, 'run', machineFile, '--firmware', fw, '--timeout', '2', '--quiet'], { encoding: 'utf8', cwd: repoRoot, timeout: 60_000 });
    fs.rmSync(dir, { recursive: true, force: true });
    expect(r.status).not.toBe(0);
    expect(r.status).toBe(124);
    expect(r.stderr).toMatch(/timeout after 2 s/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  }, 90_000);
});
