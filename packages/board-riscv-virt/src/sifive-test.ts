/**
 * SiFive test finisher (`sifive,test0`/`sifive,test1`, as on QEMU virt at 0x100000).
 *
 * A 32-bit write to offset 0: the low 16 bits are a command, the high 16 bits a code.
 *   0x5555 PASS  -> power off, exit code 0
 *   0x3333 FAIL  -> power off, exit code = code (1 if code is 0, so a failure never exits 0)
 *   0x7777 RESET -> reboot
 * Anything else is ignored (an event `power.error` says so). Reads return 0.
 * OpenSBI and Linux reach it through the `syscon-poweroff`/`syscon-reboot` nodes.
 */

import type { EventBus, MachineHandle, MmioAccess, MmioDevice } from '@tessera/core';

export const FINISHER_FAIL = 0x3333;
export const FINISHER_PASS = 0x5555;
export const FINISHER_RESET = 0x7777;

export class SifiveTest implements MmioDevice {
  constructor(
    private readonly machine: MachineHandle,
    private readonly name: string,
    private readonly events?: EventBus,
  ) {}

  read(_offset: number, _size: 1 | 2 | 4, _access: MmioAccess): number {
    return 0;
  }

  write(offset: number, size: 1 | 2 | 4, value: number, access: MmioAccess): void {
    if (offset !== 0 || size !== 4) {
      this.note(offset, size, value, access, 'the finisher takes a 32-bit write at offset 0');
      return;
    }
    const cmd = value & 0xffff;
    const code = value >>> 16;
    if (cmd === FINISHER_PASS) this.machine.powerOff(0, this.name);
    else if (cmd === FINISHER_FAIL) this.machine.powerOff(code === 0 ? 1 : code, this.name);
    else if (cmd === FINISHER_RESET) this.machine.requestReset(this.name);
    else this.note(offset, size, value, access, `unknown command 0x${cmd.toString(16)}`);
  }

  private note(offset: number, size: number, value: number, access: MmioAccess, message: string): void {
    if (this.events?.wants('power.error')) this.events.emit('power.error', this.name, { offset, size, value, master: access.master, message });
  }
}
