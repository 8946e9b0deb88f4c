/**
 * machines/two-riscv-virt-lan.yaml run by `tessera run` (issue 5): two riscv-virt machines
 * boot Debian's Linux in one simulation, each pings the other over the switch declared under
 * `links:`, both power off and the run ends with exit code 0; the switch's pcap holds the
 * ICMP echo requests and replies of both directions. Images come from `pnpm fetch-images`;
 * without them the test skips, except under CI.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type CliIo } from '@tessera/core/cli';
import { parsePcap } from '@tessera/net';
import { haveAll, haveTshark, initramfs, linuxImages, netUp, pingPeer, repo } from './linux.js';

const lan = path.join(repo, 'machines', 'two-riscv-virt-lan.yaml');

const img = linuxImages('riscv64');
const { firmware, kernel } = img;
const ready = haveAll(img);

const E2E_TIMEOUT = 40 * 60 * 1000;

function pingInitramfs(file: string, me: string, peer: string): Promise<string> {
  return initramfs(img, file, ['virtio_mmio', 'virtio_net'], [...netUp(me), ...pingPeer(peer)]);
}

describe.skipIf(!ready)('machines/two-riscv-virt-lan.yaml with Debian Linux', () => {
  it(
    'tessera run: each machine pings the other through lan0, both power off (exit 0), and the pcap holds both exchanges',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-lan-'));
      const pcap = path.join(dir, 'lan0.pcap');
      const left = await pingInitramfs(path.join(dir, 'left.cpio.gz'), '10.0.0.1', '10.0.0.2');
      const right = await pingInitramfs(path.join(dir, 'right.cpio.gz'), '10.0.0.2', '10.0.0.1');
      let err = '';
      const io: CliIo = { out: () => {}, err: (t) => void (err += t), cwd: dir };
      const code = await main(
        [
          'run', lan,
          '--firmware', firmware!,
          '--kernel', kernel!,
          '--set', `machines.left.boot.initrd=${left}`,
          '--set', `machines.right.boot.initrd=${right}`,
          '--set', 'links.lan0.pcap=lan0.pcap',
          '--set', `machines.left.components.uart0.console=file:${path.join(dir, 'left.txt')}`,
          '--set', `machines.right.components.uart0.console=file:${path.join(dir, 'right.txt')}`,
          '--timeout', String((E2E_TIMEOUT - 120_000) / 1000),
        ],
        io,
      );
      const outLeft = fs.readFileSync(path.join(dir, 'left.txt'), 'utf8');
      const outRight = fs.readFileSync(path.join(dir, 'right.txt'), 'utf8');
      expect(code, `${err}\n--- left\n${outLeft.slice(-2000)}\n--- right\n${outRight.slice(-2000)}`).toBe(0);
      for (const [out, peer] of [[outLeft, '10.0.0.2'], [outRight, '10.0.0.1']] as const) {
        expect(out).toContain('NET-UP');
        expect(out).toContain(`PING ${peer}`);
        expect(out).toMatch(/2 packets transmitted, 2 packets received/);
        expect(out).toContain('PING-DONE');
      }
      // The switch-wide capture: echo requests and replies from both MAC addresses.
      const frames = parsePcap(new Uint8Array(fs.readFileSync(pcap))).records.map((r) => r.data);
      const icmp = frames
        .filter((f) => f[12] === 0x08 && f[13] === 0x00 && f[23] === 1)
        .map((f) => ({ src: f[11], type: f[14 + (f[14]! & 15) * 4] }));
      for (const src of [1, 2]) {
        expect(icmp.filter((p) => p.src === src && p.type === 8).length, `echo requests from 52:54:00:00:00:0${src}`).toBe(2);
        expect(icmp.filter((p) => p.src === src && p.type === 0).length, `echo replies from 52:54:00:00:00:0${src}`).toBe(2);
      }
      if (haveTshark()) {
        const out = execFileSync('tshark', ['-r', pcap, '-Y', 'icmp', '-T', 'fields', '-e', 'ip.src', '-e', 'icmp.type'], { encoding: 'utf8' });
        const lines = out.trim().split('\n');
        expect(lines).toEqual(expect.arrayContaining(['10.0.0.1\t8', '10.0.0.2\t0', '10.0.0.2\t8', '10.0.0.1\t0']));
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
    E2E_TIMEOUT,
  );
});
