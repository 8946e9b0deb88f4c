/** Bit-pattern helpers for tests (host doubles are IEEE binary64, Math.fround gives binary32). */
const dv = new DataView(new ArrayBuffer(8));

export function b32(x: number): number {
  dv.setFloat32(0, x);
  return dv.getUint32(0);
}
export function v32(bits: number): number {
  dv.setUint32(0, bits >>> 0);
  return dv.getFloat32(0);
}
export function b64(x: number): bigint {
  dv.setFloat64(0, x);
  return dv.getBigUint64(0);
}
export function v64(bits: bigint): number {
  dv.setBigUint64(0, bits);
  return dv.getFloat64(0);
}
export function hex(x: number | bigint, width: number): string {
  return x.toString(16).padStart(width / 4, '0');
}
